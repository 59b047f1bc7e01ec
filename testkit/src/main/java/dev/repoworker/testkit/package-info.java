/** Real local servers and generators for tests only: Git over HTTP, callback receivers, the original services, S3, vaults and hostile input. */
package dev.repoworker.testkit;
