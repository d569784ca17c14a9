// gRPC-Web transport (binary, same origin, bearer token) and the clients of our two services.
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { ExperimentService } from "./gen/experiment_service_pb";
import { MetricsService } from "./gen/trainscope/v1/metrics_pb";
import { RunService } from "./gen/trainscope/v1/runs_pb";
import { SampleService } from "./gen/trainscope/v1/samples_pb";
import { bearer, requireToken } from "./auth";

export type MetricsClient = Client<typeof MetricsService>;
export type ExperimentClient = Client<typeof ExperimentService>;
export type SampleClient = Client<typeof SampleService>;
export type RunClient = Client<typeof RunService>;

let transport: Transport | null = null;

/** One transport for every client: same origin, binary gRPC-Web, the bearer token on each call. */
function sharedTransport(): Transport {
  transport ??= createGrpcWebTransport({
    baseUrl: location.origin,
    useBinaryFormat: true,
    interceptors: [bearer],
  });
  return transport;
}

export function createMetricsClient(): MetricsClient {
  return createClient(MetricsService, sharedTransport());
}

/** WeightsLab's ExperimentService (hyperparameters, run state, curves and notes on their points). */
export function createExperimentClient(): ExperimentClient {
  return createClient(ExperimentService, sharedTransport());
}

/** Our SampleService: one sample's history over the steps, for the data panel's sample view. */
export function createSampleClient(): SampleClient {
  return createClient(SampleService, sharedTransport());
}

/** Our RunService: every checkpoint of the run's branches, for the runs panel. */
export function createRunClient(): RunClient {
  return createClient(RunService, sharedTransport());
}

/** This page's name for the server's per-client curve cursors, random and kept for the page's life. */
const CLIENT_ID = `dashboard-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("")}`;

/**
 * Headers that name this page on GetLatestLoggerData and on every data call: the server keeps one
 * data view (filter, order) per client id (getRandomValues works without a secure context).
 */
export function clientIdHeaders(): Record<string, string> {
  return { "x-trainscope-client-id": CLIENT_ID };
}

export function isUnauthenticated(err: unknown): boolean {
  return ConnectError.from(err).code === Code.Unauthenticated;
}

/**
 * Why a call failed, for a person; when the server wants a token, the token dialog opens too
 * (the live stream's replay after login brings every panel up to date).
 */
export function failureReason(err: unknown): string {
  if (isUnauthenticated(err)) {
    void requireToken();
    return "access token required";
  }
  return errorText(err);
}

/** A short human-readable reason for a failed call. */
export function errorText(err: unknown): string {
  const e = ConnectError.from(err);
  return `${Code[e.code] ?? e.code}: ${e.rawMessage}`;
}
