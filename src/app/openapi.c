/* openapi.c — the OpenAPI 3.1 document, generated from the route table so it
 * always lists every route and who may call it (x-roles). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();
	for (int i = 0; role_all_names[i]; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(role_all_names[i]));
	return a;
}

static json_t *path_params(const char *pattern)
{
	json_t *a = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
		json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", "path",
						   "required", 1, "schema", "type", "string"));
	}
	return a;
}

/* add_schemas puts d's schemas ("<name>" for responses, "<name>.create",
 * "<name>.patch" for request bodies) and those of its nested records into
 * schemas, once each. */
static void add_schemas(json_t *schemas, const rec_desc *d, rec_op op)
{
	char name[128];
	snprintf(name, sizeof name, "%s%s", d->name, op == REC_CREATE ? ".create" : op == REC_PATCH ? ".patch" : "");
	if (json_object_get(schemas, name))
		return;
	json_object_set_new(schemas, name, rec_schema(d, op));
	for (size_t i = 0; i < d->nfields; i++) {
		const rec_desc *sub = rec_sub(&d->fields[i]);
		if (sub)
			add_schemas(schemas, sub, op ? REC_CREATE : 0);
	}
}

static json_t *ref(const rec_desc *d, rec_op op)
{
	char r[160];
	snprintf(r, sizeof r, "#/components/schemas/%s%s", d->name,
		 op == REC_CREATE ? ".create" : op == REC_PATCH ? ".patch" : "");
	return json_pack("{s:s}", "$ref", r);
}

json_t *app_openapi(void)
{
	json_t *paths = json_object(), *schemas = json_object();
	for (size_t i = 0; i < app_routes_count; i++) {
		const route *rt = &app_routes[i];
		if (rt->flags & ROUTE_TEST_ONLY)
			continue;
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char method[16];
		size_t n = strlen(rt->method);
		for (size_t k = 0; k < n && k < sizeof method - 1; k++)
			method[k] = (char)(rt->method[k] | 0x20);
		method[n < sizeof method ? n : sizeof method - 1] = '\0';
		json_t *op = json_pack("{s:s,s:[s],s:o,s:b,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}",
				       "summary", rt->summary, "tags", rt->tag, "x-roles", roles_json(rt->roles),
				       "x-public", (rt->flags & ROUTE_PUBLIC) != 0, "responses",
				       "200", "description", "success",
				       "400", "description", "malformed request (problem+json)",
				       "401", "description", "not authenticated (problem+json)",
				       "403", "description", "not allowed (problem+json)",
				       "default", "description", "error (problem+json)");
		if (rt->body) {
			rec_op bop = rt->body_op ? rt->body_op : REC_CREATE;
			add_schemas(schemas, rt->body, bop);
			json_object_set_new(op, "requestBody",
					    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content", "application/json",
						      "schema", ref(rt->body, bop)));
		}
		if (rt->reply) {
			add_schemas(schemas, rt->reply, 0);
			json_object_set_new(json_object_get(json_object_get(op, "responses"), "200"), "content",
					    json_pack("{s:{s:o}}", "application/json", "schema", ref(rt->reply, 0)));
		}
		if (rt->action)
			json_object_set_new(op, "x-audit", json_pack("{s:s,s:s?}", "action", rt->action, "object", rt->object));
		json_t *params = path_params(rt->pattern);
		if (strcmp(rt->method, "GET") != 0 && !(rt->flags & ROUTE_PUBLIC) && params)
			json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s,s:i,s:i,s:s}}", "name",
								"Idempotency-Key", "in", "header", "required", 0,
								"description",
								"a retry with the same key gets the first result "
								"(docs/internals/idem.md)",
								"schema", "type", "string", "minLength", IDEM_KEY_MIN,
								"maxLength", IDEM_KEY_MAX, "pattern", "^[A-Za-z0-9._:~-]+$"));
		if (json_array_size(params))
			json_object_set_new(op, "parameters", params);
		else
			json_decref(params);
		if (!(rt->flags & ROUTE_PUBLIC))
			json_object_set_new(op, "security",
					    json_pack("[{s:[]},{s:[]}]", "bearer", "cookie"));
		json_object_set_new(item, method, op);
	}
	/* every record described, so the exchange and the UI find them all */
	for (size_t i = 0; app_records[i]; i++)
		add_schemas(schemas, app_records[i], 0);
	return json_pack("{s:s,s:{s:s,s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}}}",
			 "openapi", "3.1.0",
			 "info", "title", "sijill API", "version", "1",
			 "description", "Police district information system. Errors are RFC 9457 problem+json with a stable code.",
			 "paths", paths,
			 "components", "schemas", schemas, "securitySchemes",
			 "bearer", "type", "http", "scheme", "bearer",
			 "cookie", "type", "apiKey", "in", "cookie", "name", "sijill_session");
}
