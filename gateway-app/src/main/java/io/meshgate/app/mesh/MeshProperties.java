package io.meshgate.app.mesh;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The mesh listener ({@code meshgate.mesh.*}): a second port for service-to-service traffic that
 * requires a client certificate from the mesh CA and passes the client's verified identity
 * upstream. Off unless {@code port} is set.
 *
 * @param port the mesh port (0: any free port)
 * @param address the address it binds
 * @param certificate the listener's own certificate chain (PEM, leaf first), reloaded on change
 * @param privateKey its private key (PEM)
 * @param clientCa the CA certificate(s) (PEM) client certificates must chain to, reloaded on change
 * @param identityHeader the request header that carries the verified identity upstream; a client's
 *     own header of that name is dropped on both listeners
 */
@ConfigurationProperties("meshgate.mesh")
public record MeshProperties(
        Integer port,
        @DefaultValue("0.0.0.0") String address,
        Path certificate,
        Path privateKey,
        Path clientCa,
        @DefaultValue(MeshProperties.DEFAULT_IDENTITY_HEADER) String identityHeader) {

    /** The identity header unless configured. */
    public static final String DEFAULT_IDENTITY_HEADER = "x-meshgate-client-identity";
}
