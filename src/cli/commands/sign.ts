import { findBundles } from "../../api/bundles.js";
import { generateKeyPair, readPrivateKey, signBundles } from "../../api/sign.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers sign --key private.pem [bundles or dirs…]
       rulers sign --generate-key <prefix>

Writes a detached ed25519 signature <bundle.json>.sig over each bundle's hash (default:
every bundle under bundles/); verify with \`rulers verify --public-key <prefix>.pub.pem\`.
--generate-key writes <prefix>.key.pem (readable only by you) and <prefix>.pub.pem.`;

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
      const { privatePath, publicPath, keyId } = generateKeyPair(values["generate-key"]);
      writeOut(`wrote ${privatePath} (keep it secret) and ${publicPath} (key ${keyId})`);
      return 0;
    }
    if (values.key === undefined)
      throw new CliError(`give the private key with --key, or make one with --generate-key\n${HELP}`);
    const pem = readPrivateKey(values.key);
    const paths = [...new Set(findBundles(positionals.length ? positionals : ["bundles"]))];
    if (paths.length === 0) throw new CliError("no bundle.json found to sign");

    // Every bundle is checked before any signature is written: all or nothing.
    const { signed, problems } = signBundles(paths, pem);
    if (problems.length) {
      for (const line of problems) writeErr(line);
      writeErr("nothing signed");
      return 1;
    }
    for (const s of signed) writeOut(`signed ${s.path} (key ${s.keyId})`);
    return 0;
  },
};
