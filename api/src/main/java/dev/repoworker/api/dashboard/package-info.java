/** The dashboard: static pages served by the API and the optional token login in front of them. */
package dev.repoworker.api.dashboard;
