// Starts Swagger UI on this oracle's own OpenAPI document (no external validator, no CDN).
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
	url: "/openapi.json",
	dom_id: "#swagger-ui",
	deepLinking: true,
	validatorUrl: null,
	tryItOutEnabled: false,
	displayRequestDuration: true,
	presets: [SwaggerUIBundle.presets.apis],
	layout: "BaseLayout",
});
