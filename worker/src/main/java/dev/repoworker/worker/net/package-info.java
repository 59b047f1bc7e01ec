/** Allow-lists of host names for outgoing connections (callback and repository hosts); the address rules are in {@code dev.repoworker.protocol.net}. */
package dev.repoworker.worker.net;
