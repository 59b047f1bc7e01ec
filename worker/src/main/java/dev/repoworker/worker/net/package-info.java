/** The network policy for outgoing connections: which hosts and addresses the Worker may reach. */
package dev.repoworker.worker.net;
