/**
 * Escaping by construction for the two small languages API Gateway reads inside the Body:
 * static parameter values (`'text'`, no escape exists for a quote inside) and VTL mapping
 * templates (`$` and `#` start directives, `\` escapes them). A value that cannot be written
 * safely is refused (undefined), never passed through.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `'value'` for an integration/method/gateway-response parameter mapping. */
export function staticValue(value: string): string | undefined {
  if (value.includes("'") || CONTROL.test(value)) return undefined;
  return `'${value}'`;
}

/** A text VTL will print unchanged, or undefined when it holds VTL syntax. */
export function vtlLiteral(text: string): string | undefined {
  return /[$#\\]/.test(text) ? undefined : text;
}

/** An HTTP header name (RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name);
}
