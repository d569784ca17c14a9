package io.trainscope.server.auth;

import com.linecorp.armeria.server.ServiceRequestContext;

/** Who is calling, for the audit log: the token's name when auth is on, and the peer's address. */
public final class Callers {

    private Callers() {}

    /** Must be called on the RPC's own thread (where its request context is current). */
    public static String current() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx == null) {
            return "anonymous@unknown";
        }
        String token = ctx.attr(TokenAuthDecorator.CALLER);
        return (token == null ? "anonymous" : token) + "@" + ctx.remoteAddress();
    }
}
