/** The build-assets task: a vault of Markdown and Obsidian notes scanned, rendered, sanitised and written as posts, JSON and optimised media. */
package dev.repoworker.worker.assets;
