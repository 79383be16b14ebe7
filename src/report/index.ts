export { buildReport, type ReportData, type ReportInputs, type ReportItem, wilson } from "./data.js";
export { figures, renderHtml } from "./html.js";
