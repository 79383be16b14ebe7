export { buildReport, wilson, type ReportData, type ReportInputs, type ReportItem } from "./data.js";
export { renderHtml, figures } from "./html.js";
