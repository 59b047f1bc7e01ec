/** The network policy both services apply to hosts a user names: private, loopback, link-local and metadata addresses refused, every resolved address checked. */
package dev.repoworker.protocol.net;
