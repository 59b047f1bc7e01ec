/** Starts S3Proxy inside a class loader of its own, so its Jetty never meets the services' Jetty. */
package dev.repoworker.testkit.s3proxy;
