// Why a check is not up, in the page's language, from the reason's code: the catalogue is AmoHub's one list of
// reasons (src/Grains.Interfaces/Probes/reasons.json), which alerts and the status page read too. The raw error
// amoCRM's answer produced stays in the API for operators.
import catalogue from "../../Grains.Interfaces/Probes/reasons.json";
import { lang } from "./i18n";

/** The code of a result or incident stored without one, from its HTTP status, as the server derives it. */
function codeOf(httpStatus: number | null): string {
  if (httpStatus === null || httpStatus < 400) {
    return "unknown";
  }
  switch (httpStatus) {
    case 401:
      return "unauthorized";
    case 402:
      return "payment_required";
    case 403:
      return "forbidden";
    case 429:
      return "rate_limited";
    default:
      return httpStatus >= 500 ? "server_error" : "client_error";
  }
}

export function reason(code: string | null, httpStatus: number | null): string {
  const texts: Record<string, string> = catalogue[lang()];
  return texts[code ?? codeOf(httpStatus)] ?? texts.unknown;
}
