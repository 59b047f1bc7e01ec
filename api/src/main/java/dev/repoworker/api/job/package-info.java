/** The job records: the store interface, its Jdbi implementation on SQLite and PostgreSQL, migrations' rows, sealed secrets and callback tokens. */
package dev.repoworker.api.job;
