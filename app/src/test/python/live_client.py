"""A Python client of Trainscope's live stream, as a WeightsLab-era user would write it.

Uses Debian's python3-grpcio and the messages protoc generates (metrics_pb2), with generic
stubs so no grpc-tools plugin is needed. Prints one JSON line with what it saw; exits 0 only
when every check passed.

    python3 live_client.py --port 50051 [--token T] [--ca ca.pem [--cert client.pem --key client-key.pem]]

With --ca it connects over TLS, trusting that CA for the server's certificate (issued for
localhost); with --cert and --key too, it presents a client certificate (mutual TLS).
"""
import argparse
import json
import queue
import sys
import time

import grpc

from trainscope.v1 import metrics_pb2 as pb

SERVICE = "/trainscope.v1.MetricsService/"


def stream_metrics(channel, metadata):
    call = channel.stream_stream(SERVICE + "StreamMetrics",
                                 request_serializer=pb.MetricsRequest.SerializeToString,
                                 response_deserializer=pb.MetricsResponse.FromString)
    outbox = queue.Queue()

    def requests():
        while True:
            item = outbox.get()
            if item is None:
                return
            yield item

    return outbox, call(requests(), metadata=metadata, timeout=60)


def wait_for(responses, predicate, limit=5000):
    return wait_for_all(responses, {"it": predicate}, limit)["it"]


def wait_for_all(responses, predicates, limit=5000):
    """The first message matching each predicate, in whatever order they arrive."""
    found = {}
    for i, response in enumerate(responses):
        for name, predicate in predicates.items():
            if name not in found and predicate(response):
                found[name] = response
        if len(found) == len(predicates):
            return found
        if i > limit:
            break
    raise AssertionError("expected messages not received: " + ", ".join(set(predicates) - set(found)))


def read(path):
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def open_channel(args):
    if args.ca is None:
        return grpc.insecure_channel(f"127.0.0.1:{args.port}")
    credentials = grpc.ssl_channel_credentials(root_certificates=read(args.ca), private_key=read(args.key),
                                               certificate_chain=read(args.cert))
    # The certificate names localhost; connect to the loopback address the server listens on.
    return grpc.secure_channel(f"127.0.0.1:{args.port}", credentials,
                               options=[("grpc.ssl_target_name_override", "localhost")])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token")
    parser.add_argument("--ca", help="PEM file of the CA that signed the server's certificate: use TLS")
    parser.add_argument("--cert", help="PEM client certificate, for mutual TLS")
    parser.add_argument("--key", help="PEM private key of --cert")
    args = parser.parse_args()
    channel = open_channel(args)
    metadata = [("authorization", "Bearer " + args.token)] if args.token else []
    seen = {}

    if args.token:
        register = channel.unary_unary(SERVICE + "RegisterTrainingSession",
                                       request_serializer=pb.SessionInfo.SerializeToString,
                                       response_deserializer=pb.SessionResponse.FromString)
        try:
            register(pb.SessionInfo(client_name="python"), timeout=10)
            raise AssertionError("a call without a token was accepted")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error.code()
            seen["unauthenticated_without_token"] = True

    outbox, responses = stream_metrics(channel, metadata)
    outbox.put(pb.MetricsRequest(heartbeat=pb.Heartbeat(timestamp_ms=int(time.time() * 1000), sequence_number=1)))
    frame = wait_for(responses, lambda r: r.HasField("batch_data"))
    seen["images"] = len(frame.batch_data.images)
    seen["frame_step"] = frame.batch_data.global_step
    assert seen["images"] == 16, seen

    outbox.put(pb.MetricsRequest(control=pb.ControlCommand(action=pb.PAUSE, request_id="py-pause")))
    # The acknowledgement (to us) and the status change (to everyone) may arrive in either order.
    got = wait_for_all(responses, {
        "ack": lambda r: r.HasField("control_ack") and r.control_ack.request_id == "py-pause",
        "status": lambda r: r.HasField("status_update") and r.status_update.status == pb.PAUSED,
    })
    ack = got["ack"].control_ack
    assert ack.success and ack.status == pb.PAUSED, ack
    seen["paused_at"] = ack.effective_step
    seen["status_paused_step"] = got["status"].status_update.global_step
    assert seen["status_paused_step"] == seen["paused_at"], seen

    outbox.put(pb.MetricsRequest(control=pb.ControlCommand(action=pb.RESUME, request_id="py-resume")))
    ack = wait_for(responses, lambda r: r.HasField("control_ack") and r.control_ack.request_id == "py-resume").control_ack
    assert ack.success and ack.status == pb.RUNNING, ack
    seen["resumed_at"] = ack.effective_step
    later = wait_for(responses, lambda r: r.HasField("scalar_data") and r.scalar_data.global_step > ack.effective_step)
    seen["advanced_to"] = later.scalar_data.global_step

    outbox.put(None)
    responses.cancel()
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
