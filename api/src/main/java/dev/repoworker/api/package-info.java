/** The API service: its composition root, routes, job submission and project settings; everything else it needs lives in the packages below. */
package dev.repoworker.api;
