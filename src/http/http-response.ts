/**
 * What an endpoint answers, bull-board style: a pure function returns `{status, body}` and the server
 * adapter writes it. Endpoints never touch express's `req`/`res`, so they are tested without HTTP.
 */
export interface HttpResponse {
  status: number;
  /** Sent as JSON, or as is when `contentType` is given and the body is a string. */
  body: unknown;
  contentType?: string;
}
