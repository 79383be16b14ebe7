import { existsSync, readFileSync } from "node:fs";
import { prettyCanonicalJson } from "../../bundle/canonical.js";
import { BundleError, bundleIntact, readBundle } from "../../bundle/file.js";
import {
  generateSigningKeys,
  keyId,
  parsePrivateKey,
  SignError,
  signaturePath,
  signBundle,
} from "../../bundle/sign.js";
import type { Bundle } from "../../bundle/types.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { errnoOf } from "../../util/errors.js";
import { findBundles } from "../bundle-paths.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers sign --key private.pem [bundles or dirs…]
       rulers sign --generate-key <prefix>

Writes a detached ed25519 signature <bundle.json>.sig over each bundle's hash (default:
every bundle under bundles/); verify with \`rulers verify --public-key <prefix>.pub.pem\`.
--generate-key writes <prefix>.key.pem (readable only by you) and <prefix>.pub.pem.`;

function write(path: string, text: string, mode?: number): void {
  try {
    writeFileAtomic(path, text, mode);
  } catch (err) {
    throw new CliError(`cannot write \`${path}\` (${errnoOf(err) ?? (err as Error).message})`);
  }
}

function generate(prefix: string): number {
  const privatePath = `${prefix}.key.pem`;
  const publicPath = `${prefix}.pub.pem`;
  // Overwriting a private key would orphan every signature made with it.
  for (const p of [privatePath, publicPath]) {
    if (existsSync(p)) throw new CliError(`\`${p}\` already exists; choose another prefix or remove it first`);
  }
  const keys = generateSigningKeys();
  write(privatePath, keys.privateKeyPem, 0o600);
  write(publicPath, keys.publicKeyPem);
  writeOut(`wrote ${privatePath} (keep it secret) and ${publicPath} (key ${keyId(keys.publicKeyPem)})`);
  return 0;
}

function readPrivateKey(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`cannot read private key \`${path}\` (${errnoOf(err) ?? "error"})`);
  }
  try {
    parsePrivateKey(pem);
  } catch (err) {
    if (err instanceof SignError) throw new CliError(`\`${path}\`: ${err.message}`);
    throw err;
  }
  return pem;
}

export const command: Command = {
  summary: "sign bundles with an ed25519 key",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { key: { type: "string" }, "generate-key": { type: "string" } },
      HELP,
    );
    if (values["generate-key"] !== undefined) {
      if (values.key !== undefined || positionals.length)
        throw new CliError("`--generate-key` only makes a key pair; sign in a second call with `--key`");
      if (values["generate-key"] === "")
        throw new CliError("`--generate-key` needs a file prefix, e.g. `--generate-key keys/team`");
      return generate(values["generate-key"]);
    }
    if (values.key === undefined)
      throw new CliError(`give the private key with --key, or make one with --generate-key\n${HELP}`);
    const pem = readPrivateKey(values.key);
    const paths = [...new Set(findBundles(positionals.length ? positionals : ["bundles"]))];
    if (paths.length === 0) throw new CliError("no bundle.json found to sign");

    // Check every bundle before writing any signature: all or nothing.
    const bundles: [string, Bundle][] = [];
    const problems: string[] = [];
    for (const p of paths) {
      try {
        const b = readBundle(p);
        if (bundleIntact(b)) bundles.push([p, b]);
        else problems.push(`${p}: refusing to sign an altered bundle (content does not match ${b.hash}); recompile it`);
      } catch (err) {
        if (err instanceof BundleError) problems.push(err.message);
        else throw err;
      }
    }
    if (problems.length) {
      for (const line of problems) writeErr(line);
      writeErr("nothing signed");
      return 1;
    }
    for (const [p, b] of bundles) {
      const sig = signBundle(b, pem);
      write(signaturePath(p), prettyCanonicalJson(sig));
      writeOut(`signed ${p} (key ${sig.key_id})`);
    }
    return 0;
  },
};
