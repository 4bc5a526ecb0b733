/* cli_json: the documented JSON shape of a message (see va(1), "JSON OUTPUT"). */
#ifndef VA_CLI_JSON_H
#define VA_CLI_JSON_H

#include <cJSON.h>
#include <stdint.h>

#include "va/message.h"

cJSON *cli_message_json(const struct message *m, int full);
/* Print and free: one JSON document followed by a newline. */
void   cli_json_print(cJSON *j);
/* "2026-11-24T03:14:00Z" */
void   cli_iso_time(int64_t t, char *buf, size_t len);

#endif
