import type { ProviderError } from "../types";
import { errorFromBody, extractOpenAIError } from "../shared/errors";

export { extractOpenAIError };

export function openaiError(status: number, bodyText: string, contentType: string | undefined): ProviderError {
  return errorFromBody(status, bodyText, contentType, extractOpenAIError);
}
