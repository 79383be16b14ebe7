import { readFileSync } from "node:fs";
import { BundleError, bundleIntact, readBundle } from "../../bundle/file.js";
import { generateSigningKeys, signBundle } from "../../bundle/sign.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { prettyCanonicalJson } from "../../util/canonical.js";
import { findBundles } from "../bundle-paths.js";
import { CliError, parseFlags, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers sign --key private.pem <bundles…>
       rulers sign --generate-key <prefix>

Writes a detached ed25519 signature <bundle.json>.sig over each bundle's hash; verify with
\`rulers verify --public-key <prefix>.pub.pem\`. --generate-key writes <prefix>.key.pem
(readable only by you) and <prefix>.pub.pem.`;

export const command: Command = {
  summary: "sign bundles with an ed25519 key",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { key: { type: "string" }, "generate-key": { type: "string" } }, HELP);
    if (values["generate-key"]) {
      const prefix = values["generate-key"];
      const keys = generateSigningKeys();
      writeFileAtomic(`${prefix}.key.pem`, keys.privateKeyPem, 0o600);
      writeFileAtomic(`${prefix}.pub.pem`, keys.publicKeyPem);
      writeOut(`wrote ${prefix}.key.pem and ${prefix}.pub.pem`);
      return 0;
    }
    if (!values.key) throw new CliError(`give the private key with --key\n${HELP}`);
    let pem: string;
    try {
      pem = readFileSync(values.key, "utf8");
    } catch {
      throw new CliError(`cannot read private key \`${values.key}\``);
    }
    const paths = findBundles(positionals.length ? positionals : ["bundles"]);
    for (const p of paths) {
      try {
        const b = readBundle(p);
        if (!bundleIntact(b)) throw new CliError(`${p}: refusing to sign an altered bundle (content does not match ${b.hash})`);
        const sig = signBundle(b, pem);
        writeFileAtomic(`${p}.sig`, prettyCanonicalJson(sig));
        writeOut(`signed ${p} (${sig.key_id.slice(0, 19)}…)`);
      } catch (err) {
        if (err instanceof BundleError) throw new CliError(err.message);
        if (err instanceof Error && /key/i.test(err.message) && !(err instanceof CliError)) throw new CliError(`\`${values.key}\` is not an ed25519 private key in PEM form`);
        throw err;
      }
    }
    return 0;
  },
};
