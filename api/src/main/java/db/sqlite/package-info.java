/** The SQLite store's Java migrations, which Flyway finds beside the SQL ones under {@code db/sqlite}. */
package db.sqlite;
