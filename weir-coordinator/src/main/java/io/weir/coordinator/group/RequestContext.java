package io.weir.coordinator.group;

/**
 * What the coordinator needs of a request besides its body: the API version (KIP-394 member
 * ids are required from JoinGroup v4) and the client's identity (stored with members).
 *
 * @param apiVersion the version of the request
 * @param clientId   the client id of the request header
 * @param clientHost the client's address, as Kafka shows it ("/127.0.0.1")
 */
public record RequestContext(short apiVersion, String clientId, String clientHost) {

    public static RequestContext of(int apiVersion) {
        return new RequestContext((short) apiVersion, "client", "/127.0.0.1");
    }
}
