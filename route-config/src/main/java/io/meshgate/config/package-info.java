/**
 * The route-file language of meshgate: the immutable model ({@link io.meshgate.config.RouteConfig}
 * and the records it holds), loading and validating YAML route files with file:line:column errors
 * ({@link io.meshgate.config.RouteConfigLoader}), and watching them for changes ({@link
 * io.meshgate.config.ConfigWatcher}). Nothing here depends on Spring.
 */
package io.meshgate.config;
