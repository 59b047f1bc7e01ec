/** Projects, the settings a deploy job is made from, and their store. */
package dev.repoworker.api.project;
