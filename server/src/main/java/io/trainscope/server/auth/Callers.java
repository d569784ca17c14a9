package io.trainscope.server.auth;

import com.linecorp.armeria.server.ServiceRequestContext;

/** Who is calling, for the audit log: the token's name when auth is on, and the peer's address. */
public final class Callers {

    private Callers() {}

    /** Must be called on the RPC's own thread (where its contexts are current). */
    public static String current() {
        String token = TokenAuthInterceptor.CALLER.get();
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        String peer = ctx == null ? "unknown" : String.valueOf(ctx.remoteAddress());
        return token + "@" + peer;
    }
}
