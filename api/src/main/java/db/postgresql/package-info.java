/** The PostgreSQL store's Java migrations, which Flyway finds beside the SQL ones under {@code db/postgresql}. */
package db.postgresql;
