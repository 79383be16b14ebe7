import { describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES, parseImage, sniffImage } from "../../src/util/image.js";

const b64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16];
const GIF = [...Buffer.from("GIF89a"), 1, 0];
const WEBP = [...Buffer.from("RIFF"), 0, 0, 0, 0, ...Buffer.from("WEBPVP8 ")];

describe("image inputs", () => {
  it("recognises PNG, JPEG, GIF and WebP by their first bytes", () => {
    expect([PNG, JPEG, GIF, WEBP].map((b) => sniffImage(Uint8Array.from(b)))).toEqual([
      "image/png",
      "image/jpeg",
      "image/gif",
      "image/webp",
    ]);
    expect(sniffImage(Buffer.from("%PDF-1.7"))).toBeNull();
  });

  it("accepts a data URL whose bytes are what it claims, and normalises it", () => {
    const r = parseImage(`data:image/png;base64,${b64(PNG)}`);
    expect(r).toEqual({
      ok: true,
      image: { kind: "data", mediaType: "image/png", base64: b64(PNG), url: `data:image/png;base64,${b64(PNG)}` },
    });
    // The chat-API shape is accepted too.
    expect(parseImage({ image_url: { url: `data:image/gif;base64,${b64(GIF)}` } }).ok).toBe(true);
  });

  it("refuses text dressed as an image, a type that lies, bad base64, and oversize data before decoding", () => {
    expect(parseImage(`data:image/png;base64,${Buffer.from("hello there").toString("base64")}`)).toEqual({
      ok: false,
      error: "is not an image (its bytes are not PNG, JPEG, GIF or WebP)",
    });
    expect(parseImage(`data:image/gif;base64,${b64(JPEG)}`)).toEqual({
      ok: false,
      error: "says it is `image/gif` but its bytes are image/jpeg",
    });
    expect(parseImage("data:image/png;base64,@@@@").ok).toBe(false);
    expect(parseImage("data:image/png,rawbytes")).toEqual({
      ok: false,
      error: "is a data URL without `;base64,`; encode the image in base64",
    });
    const big = parseImage(`data:image/png;base64,${"A".repeat(Math.ceil(((MAX_IMAGE_BYTES + 3) * 4) / 3))}`);
    expect(big.ok).toBe(false);
    expect(!big.ok && big.error).toMatch(/over the limit of 5242880 bytes/);
  });

  it("passes https URLs through, guessing the type from the extension", () => {
    expect(parseImage("https://example.org/a/chart.JPG?x=1")).toEqual({
      ok: true,
      image: { kind: "url", url: "https://example.org/a/chart.JPG?x=1", mediaType: "image/jpeg" },
    });
    expect(parseImage("ftp://example.org/a.png").ok).toBe(false);
    expect(parseImage(42).ok).toBe(false);
  });
});
