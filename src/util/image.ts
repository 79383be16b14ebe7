/**
 * Image inputs: an http(s) URL, or a base64 `data:` URL whose bytes are checked to be an image
 * of the type it claims (magic bytes), under a size limit every supported provider accepts.
 */

/** Decoded bytes of one inline image; Anthropic's per-image limit is 5 MB, the lowest of the providers. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export type ImageType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";
export const IMAGE_TYPES: readonly ImageType[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export type ImageRef =
  | { readonly kind: "data"; readonly mediaType: ImageType; readonly base64: string; readonly url: string }
  | { readonly kind: "url"; readonly url: string; readonly mediaType: ImageType | null };

export type ImageResult = { ok: true; image: ImageRef } | { ok: false; error: string };

/** The image type the first bytes announce, or null. */
export function sniffImage(b: Uint8Array): ImageType | null {
  const at = (i: number) => b[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return "image/gif";
  const riff = at(0) === 0x52 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x46;
  if (riff && at(8) === 0x57 && at(9) === 0x45 && at(10) === 0x42 && at(11) === 0x50) return "image/webp";
  return null;
}

const EXTENSIONS: Record<string, ImageType> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)?((?:;[a-z0-9-]+=[^;,]*)*);base64,/i;

/** A row's image: a string URL, or `{url}` / `{image_url: {url}}` as chat APIs write it. */
export function parseImage(value: unknown): ImageResult {
  let v = value;
  if (typeof v === "object" && v !== null) {
    const o = v as { url?: unknown; image_url?: { url?: unknown } | string };
    v = typeof o.image_url === "string" ? o.image_url : (o.image_url?.url ?? o.url);
  }
  if (typeof v !== "string") return { ok: false, error: "must be an image URL (https:// or data:image/…;base64,…)" };
  const s = v.trim();
  if (/^https?:\/\//i.test(s)) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return { ok: false, error: "is not a valid URL" };
    }
    const ext = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase();
    return { ok: true, image: { kind: "url", url: url.href, mediaType: ext ? (EXTENSIONS[ext] ?? null) : null } };
  }
  const m = DATA_URL.exec(s);
  if (!m) {
    return {
      ok: false,
      error: s.startsWith("data:")
        ? "is a data URL without `;base64,`; encode the image in base64"
        : "is neither an http(s) URL nor a base64 data URL",
    };
  }
  const base64 = s.slice(m[0].length).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { ok: false, error: "has invalid base64 data" };
  // Decoded size from the length alone, so an oversized image is refused before it is decoded.
  const size = Math.floor((base64.length * 3) / 4) - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0);
  if (size > MAX_IMAGE_BYTES)
    return { ok: false, error: `is ${size} bytes, over the limit of ${MAX_IMAGE_BYTES} bytes (5 MB) per image` };
  const head = Buffer.from(base64.slice(0, 24), "base64");
  const sniffed = sniffImage(head);
  if (!sniffed) return { ok: false, error: "is not an image (its bytes are not PNG, JPEG, GIF or WebP)" };
  const declared = m[1]?.toLowerCase();
  if (declared && declared !== sniffed)
    return { ok: false, error: `says it is \`${declared}\` but its bytes are ${sniffed}` };
  return { ok: true, image: { kind: "data", mediaType: sniffed, base64, url: `data:${sniffed};base64,${base64}` } };
}
