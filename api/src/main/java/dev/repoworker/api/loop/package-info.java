/** Background loops: named periodic tasks whose failures are logged and never end the loop. */
package dev.repoworker.api.loop;
