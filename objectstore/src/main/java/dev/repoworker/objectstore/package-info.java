/** What the Worker and the API share about artifacts on S3-compatible object storage: settings, the client, keys, content types and failures. */
package dev.repoworker.objectstore;
