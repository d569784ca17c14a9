// gRPC-Web transport (binary, same origin, bearer token) and the MetricsService client.
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { MetricsService } from "./gen/trainscope/v1/metrics_pb";
import { bearer } from "./auth";

export type MetricsClient = Client<typeof MetricsService>;

export function createMetricsClient(): MetricsClient {
  const transport = createGrpcWebTransport({
    baseUrl: location.origin,
    useBinaryFormat: true,
    interceptors: [bearer],
  });
  return createClient(MetricsService, transport);
}

export function isUnauthenticated(err: unknown): boolean {
  return ConnectError.from(err).code === Code.Unauthenticated;
}

/** A short human-readable reason for a failed call. */
export function errorText(err: unknown): string {
  const e = ConnectError.from(err);
  return `${Code[e.code] ?? e.code}: ${e.rawMessage}`;
}
