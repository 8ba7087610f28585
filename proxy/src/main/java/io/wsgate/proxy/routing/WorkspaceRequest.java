package io.wsgate.proxy.routing;

import io.vertx.core.http.HttpServerRequest;
import io.wsgate.auth.Session;
import io.wsgate.workspace.WorkspaceId;

/**
 * A request for a workspace once the edge has let it in: the workspace its Host names and the session that
 * authorised it, decoded once and carried to whatever serves it (forwarding, cold start, the launch guard).
 *
 * @param session the verified session for {@code id}; null when auth is off
 */
public record WorkspaceRequest(HttpServerRequest http, WorkspaceId id, Session session) {
}
