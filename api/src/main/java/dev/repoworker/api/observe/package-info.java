/** The API's metrics and logs about jobs, told by the store after each commit. */
package dev.repoworker.api.observe;
