/* bundled.h - the demo province built into the binaries.
 *
 * The bundled config (config/haiduong.yaml) and its simulator scenario
 * (config/haiduong-sim.yaml) are compiled in, so "ioc demo", "ioc snapshot
 * --demo" and "ioc-sim --demo" work from any directory and after install.
 * The returned text is static, NUL-terminated, and never freed. */
#ifndef IOC_BUNDLED_H
#define IOC_BUNDLED_H

#include <stddef.h>

/* Name used for the bundled config in messages. */
#define BUNDLED_CONFIG_NAME "<bundled>/haiduong.yaml"
#define BUNDLED_SCENARIO_NAME "<bundled>/haiduong-sim.yaml"

/* The bundled config's text and length. */
const char *bundled_config(size_t *len);

/* The bundled simulator scenario's text and length. */
const char *bundled_scenario(size_t *len);

#endif
