package io.meshgate.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Objects;

/**
 * Which port of an EndpointSlice a route's {@code port} means, resolved per slice: slices of one
 * Service may carry different numbers for the same named port (during a rollout that changes the
 * container port, for example).
 *
 * <p>A name ({@code http}) selects the slice port of that name. A number is a Service port number
 * ({@code 80}): when the Service has that port, its name selects the slice port (so {@code 80} finds
 * the pods' {@code 8080} behind it); when the Service has no such port (or is not known yet), the
 * number selects the slice port of that number, the endpoints' own port.
 *
 * @param name the slice port name to select ({@code ""} for a Service's single unnamed port), or null
 * @param number the slice port number to select when {@code name} is null
 */
public record PortSelector(String name, int number) {

    public static PortSelector byName(String name) {
        return new PortSelector(Objects.requireNonNull(name), 0);
    }

    public static PortSelector byNumber(int number) {
        return new PortSelector(null, number);
    }

    /** Resolves a route file's port (name or number as text) against the Service, if it is known. */
    public static PortSelector resolve(String routePort, Service service) {
        if (!routePort.chars().allMatch(Character::isDigit)) {
            return byName(routePort);
        }
        int number = Integer.parseInt(routePort);
        if (service != null && service.getSpec() != null && service.getSpec().getPorts() != null) {
            for (ServicePort port : service.getSpec().getPorts()) {
                if (port.getPort() != null && port.getPort() == number && isTcp(port.getProtocol())) {
                    return byName(nullToEmpty(port.getName()));
                }
            }
        }
        return byNumber(number);
    }

    /** The port this selector picks in the slice, or null when the slice has no such port. */
    public Integer portIn(EndpointSlice slice) {
        if (slice.getPorts() == null) {
            return null;
        }
        for (EndpointPort port : slice.getPorts()) {
            if (port.getPort() == null || !isTcp(port.getProtocol())) {
                continue;
            }
            boolean matches = name != null ? name.equals(nullToEmpty(port.getName())) : port.getPort() == number;
            if (matches) {
                return port.getPort();
            }
        }
        return null;
    }

    private static boolean isTcp(String protocol) {
        return protocol == null || protocol.equals("TCP");
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    @Override
    public String toString() {
        return name != null ? "port named '" + name + "'" : "port " + number;
    }
}
