// The helper moved to util/ so the syntax stage can suggest keywords too; rules import it from here.
export { suggest } from "../util/suggest.js";
