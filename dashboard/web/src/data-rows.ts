// One grid row read from a DataRecord's named stats, and the thumbnail's blob URL.
import type { DataRecord, DataStat } from "./gen/experiment_service_pb";

/** A sample as the grid shows it; numbers the record lacks are NaN. */
export interface DataRow {
  readonly sampleId: string;
  readonly origin: string;
  readonly label: number;
  readonly prediction: number;
  readonly confidence: number;
  readonly loss: number;
  readonly encounters: number;
  readonly lastStep: number;
  readonly tags: readonly string[];
  readonly discarded: boolean;
  /** A blob URL of the thumbnail, owned by the page that holds the row (revoked with it). */
  readonly thumbnail: string | null;
}

/** A sample as edits address it: ids are unique only within their origin (split). */
export interface SampleKey {
  readonly sampleId: string;
  readonly origin: string;
}

export function keyOf(sample: SampleKey): string {
  return `${sample.origin}\u0000${sample.sampleId}`;
}

export function toRow(record: DataRecord): DataRow {
  const stats = new Map<string, DataStat>(record.dataStats.map((s) => [s.name, s]));
  const number = (name: string): number => stats.get(name)?.value[0] ?? NaN;
  const text = (name: string): string => stats.get(name)?.valueString ?? "";
  return {
    sampleId: record.sampleId,
    origin: text("origin"),
    label: number("target"),
    prediction: number("pred"),
    confidence: number("confidence"),
    loss: number("loss"),
    encounters: number("encounters"),
    lastStep: number("last_step"),
    tags: text("tags").split(",").map((t) => t.trim()).filter((t) => t.length > 0),
    discarded: text("discarded") === "1",
    thumbnail: imageUrl(stats.get("raw_data")),
  };
}

export function releaseRow(row: DataRow): void {
  if (row.thumbnail) URL.revokeObjectURL(row.thumbnail);
}

/** PNG, JPEG or WebP bytes as a blob URL; null for a stat without an image. */
export function imageUrl(stat: DataStat | undefined): string | null {
  if (!stat || stat.thumbnail.length === 0) return null;
  return bytesUrl(stat.thumbnail);
}

export function bytesUrl(bytes: Uint8Array): string {
  // protobuf-es hands out views of an ordinary ArrayBuffer, never a SharedArrayBuffer.
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: imageType(bytes) }));
}

/** The image type from the leading bytes (the stat's type says only "bytes"). */
function imageType(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return "image/webp";
  return "application/octet-stream";
}
