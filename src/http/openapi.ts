import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** The OpenAPI 3.1 document of every route registered through an ApiRouter. */
export function buildOpenApiDocument(registry: OpenAPIRegistry, version: string): object {
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key made with `sutne apikey add`.',
  });
  registry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sutne_session',
    description: 'The web session of a signed-in person (unsafe methods also need the CSRF token).',
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Sūtne API',
      version,
      description:
        'Official letters for child-rights referrals: cases in, letters rendered, signed as PAdES-B-T, sent, and kept. ' +
        'Errors answer `{error: {code, message, details?}}`. `Idempotency-Key` on a POST makes a retry return the first answer.',
    },
    servers: [{ url: '/' }],
  });
}
