export { type ChartSpec, chartSpecs } from "./charts.js";
export { buildReport, type ReportData, type ReportInputs, type ReportItem, wilson } from "./data.js";
export { escapeHtml, jsonForScript } from "./escape.js";
export { figures, renderHtml } from "./html.js";
