/* test_jsonpath.c - RFC 9535 JSONPath (feeds/jsonpath.h): the RFC's own
 * examples and many more as a table of (document, query, expected node list
 * as JSON), a table of invalid queries with the byte offset and message
 * jp_compile() reports, and the limits that keep hostile input harmless. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "parse/jsonpath.h"

typedef struct {
    const char *doc;  /* JSON text */
    const char *expr; /* query */
    const char *want; /* selected nodes as an unformatted JSON array */
} ValidCase;

typedef struct {
    const char *expr;
    size_t pos;      /* byte offset jp_compile() must report */
    const char *msg; /* text the message must contain */
} InvalidCase;

/* Documents used by the tables below. */
#define BOOKSTORE                                                                                  \
    "{\"store\":{\"book\":[{\"category\":\"reference\",\"author\":\"Nigel "                        \
    "Rees\",\"title\":\"Sayings of the "                                                           \
    "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "                     \
    "Waugh\",\"title\":\"Sword of "                                                                \
    "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "                     \
    "Melville\",\"title\":\"Moby "                                                                 \
    "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. " \
    "R. R. Tolkien\",\"title\":\"The Lord of the "                                                 \
    "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}],\"bicycle\":{\"color\":\"red\","         \
    "\"price\":399}}}"
#define NAMES   "{\"o\":{\"j j\":{\"k.k\":3}},\"'\":{\"@\":2}}"
#define WILD    "{\"o\":{\"j\":1,\"k\":2},\"a\":[5,3]}"
#define AB      "[\"a\",\"b\"]"
#define LETTERS "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]"
#define FILTER                                                                                     \
    "{\"a\":[3,5,1,2,4,6,{\"b\":\"j\"},{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}],\"o\":{\"p\":1," \
    "\"q\":2,\"r\":3,\"s\":5,\"t\":{\"u\":6}},\"e\":\"f\"}"
#define CMP   "{\"obj\":{\"x\":\"y\"},\"arr\":[2,3]}"
#define DESC  "{\"o\":{\"j\":1,\"k\":2},\"a\":[5,3,[{\"j\":4},{\"k\":6}]]}"
#define NULLS "{\"a\":null,\"b\":[null],\"c\":[{}],\"null\":1}"
#define NUMS  "[0,1,2,3,4,5,6,7,8,9]"
#define MIXED "[1,\"1\",true,false,null,[1],{\"a\":1},1.5,-2,\"b\",\"\"]"
#define FUNCS                                                                                      \
    "[\"a\",\"bb\",\"ccc\",[1,2],[1,2,3],{\"a\":1},{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"
#define KPIS                                                                                         \
    "{\"components\":[{\"id\":\"portal\",\"name\":\"Cổng dịch vụ "                             \
    "công\",\"status\":\"ok\",\"kpi\":{\"requests\":1200,\"errors\":3,\"latency_ms\":120.5}},{"     \
    "\"id\":\"one-stop\",\"name\":\"Một "                                                          \
    "cửa\",\"status\":\"degraded\",\"kpi\":{\"requests\":800,\"errors\":40,\"latency_ms\":350}},{" \
    "\"id\":\"traffic\",\"name\":\"Giao "                                                            \
    "thông\",\"status\":\"down\",\"kpi\":{\"requests\":0,\"errors\":0}},{\"id\":\"health\","        \
    "\"name\":\"Y "                                                                                  \
    "tế\",\"status\":\"ok\",\"tags\":[\"hospital\",\"covid\"],\"kpi\":{\"requests\":95,"           \
    "\"errors\":1,\"latency_ms\":80}}],\"updated\":\"2024-05-01T08:00:00+07:00\"}"
#define DEEPEQ                                                                                     \
    "[{\"a\":[1,[2]],\"b\":[1,[2]]},{\"a\":[1,[2]],\"b\":[[2],1]},{\"a\":{\"x\":1,\"y\":{\"z\":1}" \
    "},\"b\":{\"y\":{\"z\":1},\"x\":1}},{\"a\":{\"x\":1},\"b\":{\"x\":1,\"y\":2}},{\"a\":1,\"b\":" \
    "1.0},{\"a\":\"1\",\"b\":1},{\"a\":null,\"b\":null},{\"a\":true,\"b\":false},{\"a\":[],\"b\":" \
    "{}}]"
#define STRS "[\"abc\",\"abd\",\"ab\",\"b\",\"\",\"é\",\"z\",\"中\"]"
#define TEXTS                                                                                       \
    "[\"Hà Nội\",\"ha noi\",\"Đà "                                                             \
    "Nẵng\",\"HCM\",\"a\\nb\",\"a.b\",\"a+b\",\"x]y\",\"^a\",\"b$\",\"tab\\there\",\"[x]\",\"{1}" \
    "\",\"a|b\",\"(a)\",\"\\\\\"]"

static const ValidCase valid_cases[] = {
    {BOOKSTORE, "$.store.book[*].author",
     "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\",\"J. R. R. Tolkien\"]"},
    {BOOKSTORE, "$..author",
     "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\",\"J. R. R. Tolkien\"]"},
    {BOOKSTORE, "$.store.*",
     "[[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of "
     "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}],{\"color\":\"red\",\"price\":399}]"},
    {BOOKSTORE, "$.store..price", "[8.95,12.99,8.99,22.99,399]"},
    {BOOKSTORE, "$..book[2]",
     "[{\"category\":\"fiction\",\"author\":\"Herman Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99}]"},
    {BOOKSTORE, "$..book[2].author", "[\"Herman Melville\"]"},
    {BOOKSTORE, "$..book[2].publisher", "[]"},
    {BOOKSTORE, "$..book[-1]",
     "[{\"category\":\"fiction\",\"author\":\"J. R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}]"},
    {BOOKSTORE, "$..book[0,1]",
     "[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of Honour\",\"price\":12.99}]"},
    {BOOKSTORE, "$..book[:2]",
     "[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of Honour\",\"price\":12.99}]"},
    {BOOKSTORE, "$..book[?@.isbn]",
     "[{\"category\":\"fiction\",\"author\":\"Herman Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}]"},
    {BOOKSTORE, "$..book[?@.price<10]",
     "[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99}]"},
    {BOOKSTORE, "$..*",
     "[{\"book\":[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of "
     "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}],\"bicycle\":{\"color\":\"red\","
     "\"price\":399}},[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings "
     "of the Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of "
     "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}],{\"color\":\"red\",\"price\":399},{"
     "\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of "
     "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99},\"reference\",\"Nigel Rees\",\"Sayings "
     "of the Century\",8.95,\"fiction\",\"Evelyn Waugh\",\"Sword of "
     "Honour\",12.99,\"fiction\",\"Herman Melville\",\"Moby "
     "Dick\",\"0-553-21311-3\",8.99,\"fiction\",\"J. R. R. Tolkien\",\"The Lord of the "
     "Rings\",\"0-395-19395-8\",22.99,\"red\",399]"},
    {BOOKSTORE, "$",
     "[{\"store\":{\"book\":[{\"category\":\"reference\",\"author\":\"Nigel "
     "Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of "
     "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}],\"bicycle\":{\"color\":\"red\","
     "\"price\":399}}}]"},
    {BOOKSTORE, "$.store.book[?@.category==\"fiction\" && @.price>10].title",
     "[\"Sword of Honour\",\"The Lord of the Rings\"]"},
    {BOOKSTORE, "$..book[?@.author==\"Nigel Rees\"].price", "[8.95]"},
    {BOOKSTORE, "$.store.book[?@.price == $.store.book[0].price]",
     "[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95}]"},
    {BOOKSTORE, "$..[?@.price > 20]",
     "[{\"color\":\"red\",\"price\":399},{\"category\":\"fiction\",\"author\":\"J. R. R. "
     "Tolkien\",\"title\":\"The Lord of the Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}]"},
    {BOOKSTORE, "$..book[-2:]",
     "[{\"category\":\"fiction\",\"author\":\"Herman Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}]"},
    {BOOKSTORE, "$.store.book.length", "[]"},
    {BOOKSTORE, "$[?length(@.book) == 4].bicycle", "[{\"color\":\"red\",\"price\":399}]"},
    {BOOKSTORE, "$.store[?count(@[*]) == 4]",
     "[[{\"category\":\"reference\",\"author\":\"Nigel Rees\",\"title\":\"Sayings of the "
     "Century\",\"price\":8.95},{\"category\":\"fiction\",\"author\":\"Evelyn "
     "Waugh\",\"title\":\"Sword of "
     "Honour\",\"price\":12.99},{\"category\":\"fiction\",\"author\":\"Herman "
     "Melville\",\"title\":\"Moby "
     "Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99},{\"category\":\"fiction\",\"author\":\"J. "
     "R. R. Tolkien\",\"title\":\"The Lord of the "
     "Rings\",\"isbn\":\"0-395-19395-8\",\"price\":22.99}]]"},
    {NAMES, "$.o['j j']", "[{\"k.k\":3}]"},
    {NAMES, "$.o['j j']['k.k']", "[3]"},
    {NAMES, "$.o[\"j j\"][\"k.k\"]", "[3]"},
    {NAMES, "$[\"'\"][\"@\"]", "[2]"},
    {NAMES, "$['o']['j j']", "[{\"k.k\":3}]"},
    {NAMES, "$.o[ 'j j' ]", "[{\"k.k\":3}]"},
    {NAMES, "$.absent", "[]"},
    {NAMES, "$['\\u006f']", "[{\"j j\":{\"k.k\":3}}]"},
    {WILD, "$[*]", "[{\"j\":1,\"k\":2},[5,3]]"},
    {WILD, "$.o[*]", "[1,2]"},
    {WILD, "$.o[*, *]", "[1,2,1,2]"},
    {WILD, "$.a[*]", "[5,3]"},
    {WILD, "$.o.j[*]", "[]"},
    {WILD, "$.*.*", "[1,2,5,3]"},
    {AB, "$[1]", "[\"b\"]"},
    {AB, "$[-2]", "[\"a\"]"},
    {AB, "$[2]", "[]"},
    {AB, "$[-3]", "[]"},
    {AB, "$[0,0]", "[\"a\",\"a\"]"},
    {AB, "$[1,0]", "[\"b\",\"a\"]"},
    {WILD, "$.o[0]", "[]"},
    {AB, "$[9007199254740991]", "[]"},
    {AB, "$[-9007199254740991]", "[]"},
    {LETTERS, "$[1:3]", "[\"b\",\"c\"]"},
    {LETTERS, "$[5:]", "[\"f\",\"g\"]"},
    {LETTERS, "$[1:5:2]", "[\"b\",\"d\"]"},
    {LETTERS, "$[5:1:-2]", "[\"f\",\"d\"]"},
    {LETTERS, "$[::-1]", "[\"g\",\"f\",\"e\",\"d\",\"c\",\"b\",\"a\"]"},
    {LETTERS, "$[:]", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]"},
    {LETTERS, "$[::]", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]"},
    {LETTERS, "$[1:3:0]", "[]"},
    {LETTERS, "$[-2:]", "[\"f\",\"g\"]"},
    {LETTERS, "$[:-5]", "[\"a\",\"b\"]"},
    {LETTERS, "$[-100:100]", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]"},
    {LETTERS, "$[100:]", "[]"},
    {LETTERS, "$[3:3]", "[]"},
    {LETTERS, "$[4:2]", "[]"},
    {LETTERS, "$[::3]", "[\"a\",\"d\",\"g\"]"},
    {LETTERS, "$[::-3]", "[\"g\",\"d\",\"a\"]"},
    {LETTERS, "$[-1:-4:-1]", "[\"g\",\"f\",\"e\"]"},
    {LETTERS, "$[2::-1]", "[\"c\",\"b\",\"a\"]"},
    {LETTERS, "$[:2:-1]", "[\"g\",\"f\",\"e\",\"d\"]"},
    {LETTERS, "$[ 1 : 3 : 1 ]", "[\"b\",\"c\"]"},
    {LETTERS, "$[::9007199254740991]", "[\"a\"]"},
    {LETTERS, "$[9007199254740991:-9007199254740991:-9007199254740991]", "[\"g\"]"},
    {WILD, "$.o[0:2]", "[]"},
    {LETTERS, "$[0:2,5,-1:]", "[\"a\",\"b\",\"f\",\"g\"]"},
    {FILTER, "$.a[?@.b == 'kilo']", "[{\"b\":\"kilo\"}]"},
    {FILTER, "$.a[?(@.b == 'kilo')]", "[{\"b\":\"kilo\"}]"},
    {FILTER, "$.a[?@>3.5]", "[5,4,6]"},
    {FILTER, "$.a[?@.b]", "[{\"b\":\"j\"},{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}]"},
    {FILTER, "$[?@.*]",
     "[[3,5,1,2,4,6,{\"b\":\"j\"},{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}],{\"p\":1,\"q\":2,"
     "\"r\":3,\"s\":5,\"t\":{\"u\":6}}]"},
    {FILTER, "$[?@[?@.b]]",
     "[[3,5,1,2,4,6,{\"b\":\"j\"},{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}]]"},
    {FILTER, "$.o[?@<3, ?@<3]", "[1,2,1,2]"},
    {FILTER, "$.a[?@<2 || @.b == \"k\"]", "[1,{\"b\":\"k\"}]"},
    {FILTER, "$.a[?match(@.b, \"[jk]\")]", "[{\"b\":\"j\"},{\"b\":\"k\"}]"},
    {FILTER, "$.a[?search(@.b, \"[jk]\")]", "[{\"b\":\"j\"},{\"b\":\"k\"},{\"b\":\"kilo\"}]"},
    {FILTER, "$.o[?@>1 && @<4]", "[2,3]"},
    {FILTER, "$.o[?@.u || @.x]", "[{\"u\":6}]"},
    {FILTER, "$.a[?@.b == $.x]", "[3,5,1,2,4,6]"},
    {FILTER, "$.a[?@ == @]",
     "[3,5,1,2,4,6,{\"b\":\"j\"},{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}]"},
    {FILTER, "$.a[?!@.b]", "[3,5,1,2,4,6]"},
    {FILTER, "$.a[?!(@.b == \"j\")]", "[3,5,1,2,4,6,{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}]"},
    {FILTER, "$.o[?!(@ > 1 && @ < 5)]", "[1,5,{\"u\":6}]"},
    {FILTER, "$.a[?@.b != \"j\"]", "[3,5,1,2,4,6,{\"b\":\"k\"},{\"b\":{}},{\"b\":\"kilo\"}]"},
    {FILTER, "$.e[?@]", "[]"},
    {FILTER, "$[?@ == \"f\"]", "[\"f\"]"},
    {FILTER, "$.o[? @ >= 3 ]", "[3,5]"},
    {FILTER, "$.o[?(@ <= 2)]", "[1,2]"},
    {FILTER, "$.a[?((@ > 1) && (@ < 4))]", "[3,2]"},
    {FILTER, "$.a[?@ > 1 && @ < 4 || @ == 6]", "[3,2,6]"},
    {FILTER, "$.a[?@ > 1 && (@ < 4 || @ == 6)]", "[3,2,6]"},
    {FILTER, "$.o[?$.e == \"f\"]", "[1,2,3,5,{\"u\":6}]"},
    {FILTER, "$.o[?$.e]", "[1,2,3,5,{\"u\":6}]"},
    {FILTER, "$.o[?$.absent]", "[]"},
    {CMP, "$[?$.absent1 == $.absent2]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.absent1 <= $.absent2]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.absent == 'g']", "[]"},
    {CMP, "$[?$.absent1 != $.absent2]", "[]"},
    {CMP, "$[?$.absent != 'g']", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?1 <= 2]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?1 > 2]", "[]"},
    {CMP, "$[?13 == '13']", "[]"},
    {CMP, "$[?'a' <= 'b']", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?'a' > 'b']", "[]"},
    {CMP, "$[?$.obj == $.arr]", "[]"},
    {CMP, "$[?$.obj != $.arr]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.obj == $.obj]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.obj != $.obj]", "[]"},
    {CMP, "$[?$.arr == $.arr]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.arr != $.arr]", "[]"},
    {CMP, "$[?$.obj == 17]", "[]"},
    {CMP, "$[?$.obj != 17]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.obj <= $.arr]", "[]"},
    {CMP, "$[?$.obj < $.arr]", "[]"},
    {CMP, "$[?$.obj <= $.obj]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.arr <= $.arr]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?1 <= $.arr]", "[]"},
    {CMP, "$[?1 >= $.arr]", "[]"},
    {CMP, "$[?1 > $.arr]", "[]"},
    {CMP, "$[?1 < $.arr]", "[]"},
    {CMP, "$[?true <= true]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?true > true]", "[]"},
    {CMP, "$[?null == null]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?null <= null]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?null < null]", "[]"},
    {CMP, "$[?1 == 1.0]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?1 == 1e0]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?100 == 1E2]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?0.01 == 1e-2]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?-0 == 0]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?-1.5e+1 == -15]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.arr[0] == 2]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.arr[-1] == 3]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$[\"obj\"][\"x\"] == \"y\"]", "[{\"x\":\"y\"},[2,3]]"},
    {CMP, "$[?$.obj.x == 'y']", "[{\"x\":\"y\"},[2,3]]"},
    {DESC, "$..j", "[1,4]"},
    {DESC, "$..[0]", "[5,{\"j\":4}]"},
    {DESC, "$..[*]",
     "[{\"j\":1,\"k\":2},[5,3,[{\"j\":4},{\"k\":6}]],1,2,5,3,[{\"j\":4},{\"k\":6}],{\"j\":4},{"
     "\"k\":6},4,6]"},
    {DESC, "$..*",
     "[{\"j\":1,\"k\":2},[5,3,[{\"j\":4},{\"k\":6}]],1,2,5,3,[{\"j\":4},{\"k\":6}],{\"j\":4},{"
     "\"k\":6},4,6]"},
    {DESC, "$..o", "[{\"j\":1,\"k\":2}]"},
    {DESC, "$.o..[*, *]", "[1,2,1,2]"},
    {DESC, "$.a..[0, 1]", "[5,3,{\"j\":4},{\"k\":6}]"},
    {DESC, "$..k", "[2,6]"},
    {DESC, "$..[?@.j]", "[{\"j\":1,\"k\":2},{\"j\":4}]"},
    {DESC, "$..[?@ > 3]", "[5,4,6]"},
    {DESC, "$..a..j", "[4]"},
    {DESC, "$.a..*", "[5,3,[{\"j\":4},{\"k\":6}],{\"j\":4},{\"k\":6},4,6]"},
    {DESC, "$..[\"j\",\"k\"]", "[1,2,4,6]"},
    {DESC, "$..[-1]", "[[{\"j\":4},{\"k\":6}],{\"k\":6}]"},
    {NULLS, "$.a", "[null]"},
    {NULLS, "$.a[0]", "[]"},
    {NULLS, "$.a.d", "[]"},
    {NULLS, "$.b[0]", "[null]"},
    {NULLS, "$.b[*]", "[null]"},
    {NULLS, "$.b[?@]", "[null]"},
    {NULLS, "$.b[?@==null]", "[null]"},
    {NULLS, "$.c[?@.d==null]", "[]"},
    {NULLS, "$.null", "[1]"},
    {NULLS, "$[?@ == null]", "[null]"},
    {MIXED, "$[?@ == 1]", "[1]"},
    {MIXED, "$[?@ == '1']", "[\"1\"]"},
    {MIXED, "$[?@ == true]", "[true]"},
    {MIXED, "$[?@ == false]", "[false]"},
    {MIXED, "$[?@ == null]", "[null]"},
    {MIXED, "$[?@ < 1.5]", "[1,-2]"},
    {MIXED, "$[?@ >= 1]", "[1,1.5]"},
    {MIXED, "$[?@ < 'b']", "[\"1\",\"\"]"},
    {MIXED, "$[?@ >= '']", "[\"1\",\"b\",\"\"]"},
    {MIXED, "$[?@ != 1]", "[\"1\",true,false,null,[1],{\"a\":1},1.5,-2,\"b\",\"\"]"},
    {MIXED, "$[?@[0] == 1]", "[[1]]"},
    {MIXED, "$[?@.a == 1]", "[{\"a\":1}]"},
    {MIXED, "$[?@ > false]", "[]"},
    {MIXED, "$[?@ <= true]", "[true]"},
    {MIXED, "$[?@.*]", "[[1],{\"a\":1}]"},
    {MIXED, "$[?@]", "[1,\"1\",true,false,null,[1],{\"a\":1},1.5,-2,\"b\",\"\"]"},
    {STRS, "$[?@ < 'abd']", "[\"abc\",\"ab\",\"\"]"},
    {STRS, "$[?@ > 'z']", "[\"é\",\"中\"]"},
    {STRS, "$[?@ >= 'ab' && @ < 'b']", "[\"abc\",\"abd\",\"ab\"]"},
    {DEEPEQ, "$[?@.a == @.b]",
     "[{\"a\":[1,[2]],\"b\":[1,[2]]},{\"a\":{\"x\":1,\"y\":{\"z\":1}},\"b\":{\"y\":{\"z\":1},\"x\":"
     "1}},{\"a\":1,\"b\":1},{\"a\":null,\"b\":null}]"},
    {DEEPEQ, "$[?@.a != @.b]",
     "[{\"a\":[1,[2]],\"b\":[[2],1]},{\"a\":{\"x\":1},\"b\":{\"x\":1,\"y\":2}},{\"a\":\"1\",\"b\":"
     "1},{\"a\":true,\"b\":false},{\"a\":[],\"b\":{}}]"},
    {FUNCS, "$[?length(@) == 1]", "[\"a\",{\"a\":1}]"},
    {FUNCS, "$[?length(@) >= 3]", "[\"ccc\",[1,2,3],{\"a\":1,\"b\":2,\"c\":3},\"été\"]"},
    {FUNCS, "$[?length(@) < 3]", "[\"a\",\"bb\",[1,2],{\"a\":1}]"},
    {FUNCS, "$[?length(@) == 3]", "[\"ccc\",[1,2,3],{\"a\":1,\"b\":2,\"c\":3},\"été\"]"},
    {FUNCS, "$[?length(@.a) == 1]", "[]"},
    {FUNCS, "$[?count(@.*) == 3]", "[[1,2,3],{\"a\":1,\"b\":2,\"c\":3}]"},
    {FUNCS, "$[?count(@..*) > 2]", "[[1,2,3],{\"a\":1,\"b\":2,\"c\":3}]"},
    {FUNCS, "$[?count(@) == 1]",
     "[\"a\",\"bb\",\"ccc\",[1,2],[1,2,3],{\"a\":1},{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"},
    {FUNCS, "$[?value(@.a) == 1]", "[{\"a\":1},{\"a\":1,\"b\":2,\"c\":3}]"},
    {FUNCS, "$[?value(@.*) == 1]", "[{\"a\":1}]"},
    {FUNCS, "$[?length('abc') == 3]",
     "[\"a\",\"bb\",\"ccc\",[1,2],[1,2,3],{\"a\":1},{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"},
    {FUNCS, "$[?length(null) == 0]", "[]"},
    {FUNCS, "$[?length(value(@.b)) == 2]", "[]"},
    {FUNCS, "$[?count($[*]) == 10]",
     "[\"a\",\"bb\",\"ccc\",[1,2],[1,2,3],{\"a\":1},{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"},
    {FUNCS, "$[?match(@, 'b+')]", "[\"bb\"]"},
    {FUNCS, "$[?search(@, 'c')]", "[\"ccc\"]"},
    {FUNCS, "$[?match(@, 'été')]", "[\"été\"]"},
    {FUNCS, "$[?match(@, '.t.')]", "[\"été\"]"},
    {FUNCS, "$[?!search(@, 'b')]",
     "[\"a\",\"ccc\",[1,2],[1,2,3],{\"a\":1},{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"},
    {FUNCS, "$[?length(@) == length(@)]",
     "[\"a\",\"bb\",\"ccc\",[1,2],[1,2,3],{\"a\":1},{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"},
    {FUNCS, "$[?length(@) != 1]",
     "[\"bb\",\"ccc\",[1,2],[1,2,3],{\"a\":1,\"b\":2,\"c\":3},5,null,\"été\"]"},
    {TEXTS, "$[?match(@, 'H. N.i')]", "[\"Hà Nội\"]"},
    {TEXTS, "$[?search(@, 'Nội')]", "[\"Hà Nội\"]"},
    {TEXTS, "$[?match(@, '[ĐH].*')]", "[\"Hà Nội\",\"Đà Nẵng\",\"HCM\"]"},
    {TEXTS, "$[?match(@, 'a.b')]", "[\"a.b\",\"a+b\",\"a|b\"]"},
    {TEXTS, "$[?match(@, 'a\\\\.b')]", "[\"a.b\"]"},
    {TEXTS, "$[?match(@, 'a\\\\+b')]", "[\"a+b\"]"},
    {TEXTS, "$[?match(@, 'x\\\\]y')]", "[\"x]y\"]"},
    {TEXTS, "$[?match(@, '[\\\\^]a')]", "[\"^a\"]"},
    {TEXTS, "$[?match(@, 'b\\\\$')]", "[]"},
    {TEXTS, "$[?match(@, '\\\\[x\\\\]')]", "[\"[x]\"]"},
    {TEXTS, "$[?match(@, '\\\\{1\\\\}')]", "[\"{1}\"]"},
    {TEXTS, "$[?match(@, 'a\\\\|b')]", "[\"a|b\"]"},
    {TEXTS, "$[?match(@, '\\\\(a\\\\)')]", "[\"(a)\"]"},
    {TEXTS, "$[?match(@, '\\\\\\\\')]", "[\"\\\\\"]"},
    {TEXTS, "$[?match(@, 'tab\\\\there')]", "[\"tab\\there\"]"},
    {TEXTS, "$[?match(@, 'a\\\\nb')]", "[\"a\\nb\"]"},
    {TEXTS, "$[?match(@, '[^a-z]+')]", "[\"HCM\",\"{1}\",\"\\\\\"]"},
    {TEXTS, "$[?match(@, '[a-z ]+')]", "[\"ha noi\"]"},
    {TEXTS, "$[?match(@, '\\\\p{Lu}+')]", "[\"HCM\"]"},
    {TEXTS, "$[?search(@, '^H')]", "[\"Hà Nội\",\"HCM\"]"},
    {TEXTS, "$[?search(@, 'i$')]", "[\"Hà Nội\",\"ha noi\"]"},
    {TEXTS, "$[?match(@, '(Hà|Đà) N.*')]", "[\"Hà Nội\",\"Đà Nẵng\"]"},
    {TEXTS, "$[?match(@, '[\\\\]\\\\[x-y]+')]", "[\"x]y\",\"[x]\"]"},
    {TEXTS, "$[?match(@, '[-+.]')]", "[]"},
    {TEXTS, "$[?match(@, 'a[-+.]b')]", "[\"a.b\",\"a+b\"]"},
    {TEXTS, "$[?match(@, '.{5,7}')]", "[\"Hà Nội\",\"ha noi\",\"Đà Nẵng\"]"},
    {TEXTS, "$[?match(@, '[a-z]{2} [a-z]{3}')]", "[\"ha noi\"]"},
    {TEXTS, "$[?search(@, '\\\\P{L}')]",
     "[\"Hà Nội\",\"ha noi\",\"Đà "
     "Nẵng\",\"a\\nb\",\"a.b\",\"a+b\",\"x]y\",\"^a\",\"b$\",\"tab\\there\",\"[x]\",\"{1}\",\"a|"
     "b\",\"(a)\",\"\\\\\"]"},
    {TEXTS, "$[?match(@, '\\\\d')]", "[]"},
    {TEXTS, "$[?match(@, 'a**')]", "[]"},
    {TEXTS, "$[?match(@, '(')]", "[]"},
    {TEXTS, "$[?match(@, '')]", "[]"},
    {TEXTS, "$[?search(@, '')]",
     "[\"Hà Nội\",\"ha noi\",\"Đà "
     "Nẵng\",\"HCM\",\"a\\nb\",\"a.b\",\"a+b\",\"x]y\",\"^a\",\"b$\",\"tab\\there\",\"[x]\",\"{1}"
     "\",\"a|b\",\"(a)\",\"\\\\\"]"},
    {TEXTS, "$[?match(@, 'a.b|HCM')]", "[\"HCM\",\"a.b\",\"a+b\",\"a|b\"]"},
    {TEXTS, "$[?match(@, 'a(.)b')]", "[\"a.b\",\"a+b\",\"a|b\"]"},
    {KPIS, "$.components[*].id", "[\"portal\",\"one-stop\",\"traffic\",\"health\"]"},
    {KPIS, "$.components[?@.status != \"ok\"].id", "[\"one-stop\",\"traffic\"]"},
    {KPIS, "$.components[?@.kpi.errors > 10].name", "[\"Một cửa\"]"},
    {KPIS, "$..latency_ms", "[120.5,350,80]"},
    {KPIS, "$.components[?@.kpi.latency_ms].kpi.latency_ms", "[120.5,350,80]"},
    {KPIS, "$.components[?!@.kpi.latency_ms].id", "[\"traffic\"]"},
    {KPIS, "$.components[?search(@.name, \"công\")].id", "[\"portal\"]"},
    {KPIS, "$.components[?length(@.tags) > 0].tags[0]", "[\"hospital\"]"},
    {KPIS, "$.components[-1:].kpi.requests", "[95]"},
    {KPIS, "$.components[?@.kpi.requests >= 800 && @.kpi.errors < 10].id", "[\"portal\"]"},
    {KPIS, "$.updated", "[\"2024-05-01T08:00:00+07:00\"]"},
    {KPIS, "$.components[?value(@..errors) == 0].id", "[\"traffic\"]"},
    {KPIS, "$[\"components\"][0][\"kpi\"][\"requests\"]", "[1200]"},
    {KPIS, "$.components[?@.id == \"traffic\"].kpi.*", "[0,0]"},
    {NUMS, "$[1:9:3]", "[1,4,7]"},
    {NUMS, "$[?@ >= 7]", "[7,8,9]"},
    {NUMS, "$[-3:]", "[7,8,9]"},
    {NUMS, "$[7:2:-2]", "[7,5,3]"},
    {NUMS, "$[?@ > 2 && @ < 5, 0]", "[3,4,0]"},
    {WILD, "$ .o", "[{\"j\":1,\"k\":2}]"},
    {WILD, "$.o .j", "[1]"},
    {WILD, "$ ['o'] ['k']", "[2]"},
    {WILD, "$[?@ .j == 1]", "[{\"j\":1,\"k\":2}]"},
    {WILD, "$\n.a\t[0]", "[5]"},
    {NAMES, "$[\"\\u0027\"]", "[{\"@\":2}]"},
    {NAMES, "$['\\'']", "[{\"@\":2}]"},
};

static const InvalidCase invalid_cases[] = {
    {"", 0, "a query must start with '$'"},
    {"a", 0, "a query must start with '$'"},
    {" $", 0, "a query must start with '$'"},
    {"$ ", 1, "blank space must be followed by a segment ('.', '..' or '[')"},
    {"$.", 2, "expected a member name or '*' after '.'"},
    {"$..", 3, "expected a member name, '*' or '[' after '..'"},
    {"$...", 3, "expected a member name, '*' or '[' after '..'"},
    {"$.1", 2, "expected a member name or '*' after '.'"},
    {"$.&", 2, "expected a member name or '*' after '.'"},
    {"$. a", 2, "expected a member name or '*' after '.'"},
    {"$.. a", 3, "expected a member name, '*' or '[' after '..'"},
    {"$.a-b", 3, "expected '.', '..' or '[' to start a segment"},
    {"$a", 1, "expected '.', '..' or '[' to start a segment"},
    {"$[]", 2, "expected a selector: a quoted name, '*', an index, a slice o"},
    {"$[", 2, "expected a selector: a quoted name, '*', an index, a slice o"},
    {"$[0", 3, "expected ']' to close the bracket opened at offset 1"},
    {"$[0 2]", 4, "expected ',' or ']' after the selector"},
    {"$[,0]", 2, "expected a selector: a quoted name, '*', an index, a slice o"},
    {"$[0,]", 4, "expected a selector: a quoted name, '*', an index, a slice o"},
    {"$['a'", 5, "expected ']' to close the bracket opened at offset 1"},
    {"$['a", 4, "expected a closing ' for the string that starts at offset 2"},
    {"$['a\"]", 6, "expected a closing ' for the string that starts at offset 2"},
    {"$[\"a']", 6, "expected a closing \" for the string that starts at offset 2"},
    {"$['a\\\"']", 4, "invalid escape sequence in string"},
    {"$[\"a\\'\"]", 4, "invalid escape sequence in string"},
    {"$['\\x41']", 3, "invalid escape sequence in string"},
    {"$['\\u12G4']", 7, "expected four hex digits after \\u"},
    {"$['\\ud800']", 9, "expected \\u and a low surrogate after a high surrogate"},
    {"$['\\udc00']", 3, "a low surrogate \\uDC00-\\uDFFF must follow a high one"},
    {"$['\\ud800\\u0041']", 9, "expected a low surrogate \\uDC00-\\uDFFF"},
    {"$['a\tb']", 4, "control character in a string"},
    {"$[01]", 2, "leading zeros are not allowed in an integer"},
    {"$[-0]", 2, "-0 is not a valid index"},
    {"$[-]", 3, "expected a digit"},
    {"$[1.0]", 3, "expected ',' or ']' after the selector"},
    {"$[9007199254740992]", 2, "integer out of range"},
    {"$[-9007199254740992]", 2, "integer out of range"},
    {"$[0:1:2:3]", 7, "expected ',' or ']' after the selector"},
    {"$[:-0]", 3, "-0 is not a valid index"},
    {"$[::01]", 4, "leading zeros are not allowed in an integer"},
    {"$[1 :2 3]", 7, "expected ',' or ']' after the selector"},
    {"$[?]", 3, "expected a query (@ or $), a literal or a function call"},
    {"$[?@.a", 6, "expected ']' to close the bracket opened at offset 1"},
    {"$[?@.a==]", 8, "expected a query (@ or $), a literal or a function call"},
    {"$[?==1]", 3, "expected a query (@ or $), a literal or a function call"},
    {"$[?@.a=1]", 6, "expected '==' to compare (a single '=' is not an operator)"},
    {"$[?@.a===1]", 8, "expected a query (@ or $), a literal or a function call"},
    {"$[?@.a & @.b]", 7, "expected '&&', '||', ',' or ']' after the filter expression"},
    {"$[?@.a | @.b]", 7, "expected '&&', '||', ',' or ']' after the filter expression"},
    {"$[?@.a &&]", 9, "expected a query (@ or $), a literal or a function call"},
    {"$[?(@.a]", 7, "expected ')' to close the parenthesis opened at offset 3"},
    {"$[?@.a)]", 6, "expected '&&', '||', ',' or ']' after the filter expression"},
    {"$[?()]", 4, "expected a query (@ or $), a literal or a function call"},
    {"$[?1]", 3, "a literal cannot stand alone in a filter"},
    {"$[?'a']", 3, "a literal cannot stand alone in a filter"},
    {"$[?true]", 3, "a literal cannot stand alone in a filter"},
    {"$[?null || @.a]", 3, "a literal cannot stand alone in a filter"},
    {"$[?True]", 3, "expected a query (@ or $), a literal or a function call"},
    {"$[?@.a == True]", 10, "expected a query (@ or $), a literal or a function call"},
    {"$[?@.a == nul]", 10, "unknown name 'nul'"},
    {"$[?@.a == 01]", 10, "leading zeros are not allowed in a number"},
    {"$[?@.a == 1.]", 12, "expected a digit after the decimal point"},
    {"$[?@.a == .5]", 10, "expected a query (@ or $), a literal or a function call"},
    {"$[?@.a == 1e]", 12, "expected a digit in the exponent"},
    {"$[?@.a == -]", 11, "expected a digit after '-'"},
    {"$[?@.a == (1)]", 10, "expected a literal, a singular query or a function call afte"},
    {"$[?@.a == !@.b]", 10, "expected a literal, a singular query or a function call afte"},
    {"$[?!@.a == 1]", 7, "a negated test cannot be compared"},
    {"$[?!!@.a]", 4, "'!' must be followed by '(', a query or a function call"},
    {"$[?!1]", 4, "a literal cannot stand alone in a filter"},
    {"$[?@.* == 1]", 3, "a query with more than one node cannot be compared (use a si"},
    {"$[?@..a == 1]", 3, "a query with more than one node cannot be compared (use a si"},
    {"$[?@[0:1] == 1]", 3, "a query with more than one node cannot be compared (use a si"},
    {"$[?@['a','b'] == 1]", 3, "a query with more than one node cannot be compared (use a si"},
    {"$[?1 == @[*]]", 8, "a query with more than one node cannot be compared (use a si"},
    {"$[?@[ 'a' ] == 1]", 5, "blank space inside '[...]' is not allowed in a compared quer"},
    {"$[?@.a[ 0] == 1]", 7, "blank space inside '[...]' is not allowed in a compared quer"},
    {"$[?length(@.a)]", 3, "function 'length' returns a value, not a test"},
    {"$[?count(@.*)]", 3, "function 'count' returns a value, not a test"},
    {"$[?value(@.a)]", 3, "function 'value' returns a value, not a test"},
    {"$[?match(@.a, 'x') == true]", 3,
     "function 'match' returns a logical value and cannot be compa"},
    {"$[?search(@.a, 'x') != false]", 3,
     "function 'search' returns a logical value and cannot be comp"},
    {"$[?length()]", 3, "function 'length' expects 1 argument"},
    {"$[?length(@.a, @.b) == 1]", 15, "function 'length' expects 1 argument"},
    {"$[?match(@.a) == 1]", 3, "function 'match' expects 2 arguments"},
    {"$[?match(@.a)]", 3, "function 'match' expects 2 arguments"},
    {"$[?match(@.a, 'a', 'b')]", 19, "function 'match' expects 2 arguments"},
    {"$[?count() == 1]", 3, "function 'count' expects 1 argument"},
    {"$[?length(@.*) == 1]", 10, "argument 1 of 'length' must be a single value: a literal, a "},
    {"$[?length(@[ 0 ]) == 1]", 12, "blank space inside '[...]' is not allowed in a singular quer"},
    {"$[?count(1) == 1]", 9, "argument 1 of 'count' must be a query such as @.* or @..a"},
    {"$[?count('a') == 1]", 9, "argument 1 of 'count' must be a query such as @.* or @..a"},
    {"$[?count(@.a == 1) == 1]", 13, "argument 1 of 'count' must be a query such as @.* or @..a"},
    {"$[?value(1) == 1]", 9, "argument 1 of 'value' must be a query such as @.* or @..a"},
    {"$[?length(@.a == 1) == 1]", 14,
     "argument 1 of 'length' must be a single value: a literal, a "},
    {"$[?match(@.a == 1, 'a')]", 13,
     "argument 1 of 'match' must be a single value: a literal, a s"},
    {"$[?foo(@.a)]", 3, "unknown function 'foo'"},
    {"$[?Length(@.a) == 1]", 3, "expected a query (@ or $), a literal or a function call"},
    {"$[?length (@.a) == 1]", 9, "no blank space is allowed between a function name and '('"},
    {"$[?length(@.a == 1]", 18, "expected ',' or ')' in the arguments of 'length'"},
    {"$[?length(@.a,) == 1]", 14, "expected a query (@ or $), a literal or a function call"},
    {"$[?length(@.a @.b) == 1]", 14, "expected ',' or ')' in the arguments of 'length'"},
    {"$[?match(@.a, 'a')) ]", 18, "expected '&&', '||', ',' or ']' after the filter expression"},
    {"$[?@.a]]", 7, "expected '.', '..' or '[' to start a segment"},
    {"$[?@.a]x", 7, "expected '.', '..' or '[' to start a segment"},
    {"@.a", 0, "a query must start with '$'"},
    {"$$", 1, "expected '.', '..' or '[' to start a segment"},
    {"$[?@.a == 'x'", 13, "expected ']' to close the bracket opened at offset 1"},
    {"$[?'a]", 6, "expected a closing ' for the string that starts at offset 3"},
    {"$[?@.a == \"b]", 13, "expected a closing \" for the string that starts at offset 10"},
    {"$['']x", 7, "expected '.', '..' or '[' to start a segment"},
};

/* Evaluates expr on the JSON text doc and returns the node list as JSON text
 * (malloc'd), or NULL when the query does not compile; *err gets the error. */
static char *run_query(const char *expr, const char *doc, JpError *err)
{
    cJSON *root = cJSON_Parse(doc);
    assert_non_null(root);
    JpPath *p = jp_compile(expr, err);
    if (!p) {
        cJSON_Delete(root);
        return NULL;
    }
    JpNodeList l = {0};
    assert_int_equal(jp_eval(p, root, &l), 0);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < l.len; i++)
        cJSON_AddItemToArray(arr, cJSON_Duplicate(l.nodes[i], 1));
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    jp_nodelist_free(&l);
    jp_free(p);
    cJSON_Delete(root);
    return s;
}

/* Every valid query of the table selects exactly the expected nodes, in order. */
static void test_valid_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        const ValidCase *c = &valid_cases[i];
        JpError err;
        char *got = run_query(c->expr, c->doc, &err);
        if (!got) {
            print_error("case %zu %s: rejected at %zu: %s\n", i, c->expr, err.pos, err.msg);
            failures++;
            continue;
        }
        if (strcmp(got, c->want) != 0) {
            print_error("case %zu %s:\n  got  %s\n  want %s\n", i, c->expr, got, c->want);
            failures++;
        }
        free(got);
    }
    assert_int_equal(failures, 0);
}

/* Every invalid query is rejected at the expected offset with a message that
 * says what was expected. */
static void test_invalid_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
        const InvalidCase *c = &invalid_cases[i];
        JpError err;
        JpPath *p = jp_compile(c->expr, &err);
        if (p) {
            print_error("case %zu %s: accepted\n", i, c->expr);
            jp_free(p);
            failures++;
            continue;
        }
        if (err.pos != c->pos || !strstr(err.msg, c->msg)) {
            print_error("case %zu %s:\n  got  %zu %s\n  want %zu %s\n", i, c->expr, err.pos,
                        err.msg, c->pos, c->msg);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* The messages read as the user guide promises, word for word. */
static void test_error_messages(void **state)
{
    (void)state;
    JpError err;
    assert_null(jp_compile("$['a', 1", &err));
    assert_int_equal(err.pos, 8);
    assert_string_equal(err.msg, "expected ']' to close the bracket opened at offset 1");
    assert_null(jp_compile("$[?length(@.a, @.b) > 1]", &err));
    assert_int_equal(err.pos, 15);
    assert_string_equal(err.msg, "function 'length' expects 1 argument");
    assert_null(jp_compile("$[?@.* == 1]", &err));
    assert_int_equal(err.pos, 3);
    assert_string_equal(err.msg, "a query with more than one node cannot be compared (use a "
                                 "singular query such as @.a)");
    /* err may be NULL; a NULL expression is an error, not a crash. */
    assert_null(jp_compile("$[", NULL));
    assert_null(jp_compile(NULL, &err));
    assert_int_equal(err.pos, 0);
}

/* Bytes that are not UTF-8 are rejected where they appear. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    static const InvalidCase cases[] = {
        {"$['\xff']", 3, "invalid UTF-8"},
        {"$['\xc3']", 3, "invalid UTF-8"},
        {"$.\xc3\x28", 2, "invalid UTF-8"},
        {"$.a\xed\xa0\x80", 3, "invalid UTF-8"},
        {"$['\xc0\xaf']", 3, "invalid UTF-8"},
        {"$['\xf4\x90\x80\x80']", 3, "invalid UTF-8"},
        {"$[?@ == '\xed\xb0\x80']", 9, "invalid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        JpError err;
        assert_null(jp_compile(cases[i].expr, &err));
        assert_int_equal(err.pos, cases[i].pos);
        assert_non_null(strstr(err.msg, cases[i].msg));
    }
}

/* Selected nodes are the document's own (borrowed), and jp_eval() appends. */
static void test_nodes_borrowed_and_appended(void **state)
{
    (void)state;
    cJSON *root = cJSON_Parse("{\"a\":[10,20,30],\"b\":{\"c\":true}}");
    JpPath *p1 = jp_compile("$.a[1]", NULL), *p2 = jp_compile("$..c", NULL);
    assert_non_null(p1);
    assert_non_null(p2);
    JpNodeList l = {0};
    assert_int_equal(jp_eval(p1, root, &l), 0);
    assert_int_equal(jp_eval(p2, root, &l), 0);
    assert_int_equal(l.len, 2);
    assert_ptr_equal(l.nodes[0], cJSON_GetArrayItem(cJSON_GetObjectItem(root, "a"), 1));
    assert_ptr_equal(l.nodes[1], cJSON_GetObjectItem(cJSON_GetObjectItem(root, "b"), "c"));
    /* The same compiled path runs again, on another document too. */
    cJSON *other = cJSON_Parse("{\"a\":[1,2]}");
    assert_int_equal(jp_eval(p1, other, &l), 0);
    assert_int_equal(l.len, 3);
    assert_int_equal(l.nodes[2]->valueint, 2);
    jp_nodelist_free(&l);
    assert_null(l.nodes);
    assert_int_equal(l.len, 0);
    assert_int_equal(jp_eval(NULL, root, &l), -1);
    assert_int_equal(jp_eval(p1, NULL, &l), -1);
    jp_nodelist_free(&l);
    jp_nodelist_free(NULL);
    jp_free(p1);
    jp_free(p2);
    jp_free(NULL);
    cJSON_Delete(other);
    cJSON_Delete(root);
}

/* Builds "$[?" + n '(' + "@.a" + n ')' + "]" into a new string. */
static char *nested_parens(int n)
{
    char *s = malloc((size_t)n * 2 + 16);
    assert_non_null(s);
    strcpy(s, "$[?");
    size_t k = 3;
    for (int i = 0; i < n; i++)
        s[k++] = '(';
    memcpy(s + k, "@.a", 3);
    k += 3;
    for (int i = 0; i < n; i++)
        s[k++] = ')';
    strcpy(s + k, "]");
    return s;
}

/* Nesting is bounded (64 levels) so that no input can exhaust the stack,
 * while long flat expressions stay fine. */
static void test_nesting_limit(void **state)
{
    (void)state;
    JpError err;
    char *ok = nested_parens(63), *deep = nested_parens(64), *huge = nested_parens(100000);
    char *got = run_query(ok, "[{\"a\":1},{\"b\":2}]", &err);
    assert_non_null(got);
    assert_string_equal(got, "[{\"a\":1}]");
    free(got);
    assert_null(jp_compile(deep, &err));
    assert_int_equal(err.pos, 3 + 63);
    assert_string_equal(err.msg, "expression nested too deeply (at most 64 levels)");
    assert_null(jp_compile(huge, &err));
    assert_non_null(strstr(err.msg, "nested too deeply"));
    free(ok);
    free(deep);
    free(huge);

    /* Nested filters count too. */
    char filt[1024] = "$";
    for (int i = 0; i < 70; i++)
        strcat(filt, "[?@");
    for (int i = 0; i < 70; i++)
        strcat(filt, "]");
    assert_null(jp_compile(filt, &err));
    assert_non_null(strstr(err.msg, "nested too deeply"));

    /* 20000 operands joined by || are one flat level. */
    size_t n = 20000, k = 0;
    char *flat = malloc(n * 8 + 16);
    assert_non_null(flat);
    k += (size_t)sprintf(flat, "$[?@.x");
    for (size_t i = 1; i < n; i++)
        k += (size_t)sprintf(flat + k, " || @.x");
    strcpy(flat + k, " || @.a]");
    got = run_query(flat, "[{\"a\":1},{\"b\":2}]", &err);
    assert_non_null(got);
    assert_string_equal(got, "[{\"a\":1}]");
    free(got);
    free(flat);
}

/* Documents nested as deeply as cJSON allows (and much deeper, when built in
 * code) are walked without recursion. */
static void test_deep_documents(void **state)
{
    (void)state;
    /* [[[...[1]...]]] 1000 levels: cJSON's parse limit. */
    int depth = 1000;
    char *text = malloc((size_t)depth * 2 + 8);
    assert_non_null(text);
    size_t k = 0;
    for (int i = 0; i < depth; i++)
        text[k++] = '[';
    text[k++] = '1';
    for (int i = 0; i < depth; i++)
        text[k++] = ']';
    text[k] = '\0';
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    JpPath *all = jp_compile("$..*", NULL), *ones = jp_compile("$..[?@ == 1]", NULL);
    JpPath *cnt = jp_compile("$[?count(@..*) == 999]", NULL);
    JpNodeList l = {0};
    assert_int_equal(jp_eval(all, root, &l), 0);
    assert_int_equal(l.len, 1000);
    assert_true(cJSON_IsNumber(l.nodes[999]));
    jp_nodelist_free(&l);
    assert_int_equal(jp_eval(ones, root, &l), 0);
    assert_int_equal(l.len, 1);
    jp_nodelist_free(&l);
    assert_int_equal(jp_eval(cnt, root, &l), 0);
    assert_int_equal(l.len, 1);
    jp_nodelist_free(&l);
    cJSON_Delete(root);

    /* Two equal 999-deep arrays compare equal. */
    char *pair = malloc(strlen(text) * 2 + 8);
    assert_non_null(pair);
    text[depth - 1 + 2 + depth - 1] = '\0'; /* keep 999 levels: drop one '[' and one ']' */
    sprintf(pair, "[%s,%s]", text + 1, text + 1);
    root = cJSON_Parse(pair);
    assert_non_null(root);
    JpPath *eq = jp_compile("$[?$[0] == $[1]]", NULL);
    assert_int_equal(jp_eval(eq, root, &l), 0);
    assert_int_equal(l.len, 2);
    jp_nodelist_free(&l);
    cJSON_Delete(root);
    free(pair);
    free(text);

    /* 20000 levels built in code: still no recursion in the walk. */
    root = cJSON_CreateArray();
    cJSON *cur = root;
    for (int i = 0; i < 20000; i++) {
        cJSON *inner = cJSON_CreateArray();
        cJSON_AddItemToArray(cur, inner);
        cur = inner;
    }
    assert_int_equal(jp_eval(all, root, &l), 0);
    assert_int_equal(l.len, 20000);
    jp_nodelist_free(&l);
    /* cJSON_Delete recurses per level: unlink in steps to free it safely. */
    while (root) {
        cJSON *child = root->child;
        root->child = NULL;
        cJSON_Delete(root);
        root = child;
    }
    jp_free(all);
    jp_free(ones);
    jp_free(cnt);
    jp_free(eq);
}

/* Large objects compare equal regardless of member order. */
static void test_large_object_equality(void **state)
{
    (void)state;
    cJSON *root = cJSON_CreateArray();
    for (int v = 0; v < 3; v++) {
        cJSON *pair = cJSON_CreateObject(), *a = cJSON_CreateObject(), *b = cJSON_CreateObject();
        char key[16];
        for (int i = 0; i < 50; i++) {
            snprintf(key, sizeof key, "k%02d", i);
            cJSON_AddNumberToObject(a, key, i);
            snprintf(key, sizeof key, "k%02d", 49 - i);
            cJSON_AddNumberToObject(b, key, v == 1 && i == 7 ? -1 : 49 - i);
        }
        if (v == 2) /* same size, one different key */
            cJSON_ReplaceItemInObject(b, "k00", cJSON_CreateString("x"));
        cJSON_AddItemToObject(pair, "a", a);
        cJSON_AddItemToObject(pair, "b", b);
        cJSON_AddItemToArray(root, pair);
    }
    JpPath *p = jp_compile("$[?@.a == @.b]", NULL);
    JpNodeList l = {0};
    assert_int_equal(jp_eval(p, root, &l), 0);
    assert_int_equal(l.len, 1);
    assert_ptr_equal(l.nodes[0], cJSON_GetArrayItem(root, 0));
    jp_nodelist_free(&l);
    jp_free(p);
    cJSON_Delete(root);
}

/* Patterns taken from the document work, including more distinct patterns
 * than one evaluation keeps compiled, and bad patterns are simply false. */
static void test_dynamic_patterns(void **state)
{
    (void)state;
    cJSON *root = cJSON_CreateArray();
    char pat[32], val[32];
    for (int i = 0; i < 30; i++) {
        cJSON *o = cJSON_CreateObject();
        snprintf(pat, sizeof pat, "v%d[a-c]+", i % 12);
        snprintf(val, sizeof val, i % 3 ? "v%dabc" : "v%dxyz", i % 12);
        cJSON_AddStringToObject(o, "p", pat);
        cJSON_AddStringToObject(o, "s", val);
        cJSON_AddItemToArray(root, o);
    }
    cJSON *bad = cJSON_CreateObject();
    cJSON_AddStringToObject(bad, "p", "(unclosed");
    cJSON_AddStringToObject(bad, "s", "(unclosed");
    cJSON_AddItemToArray(root, bad);
    JpPath *m = jp_compile("$[?match(@.s, @.p)]", NULL);
    JpPath *s = jp_compile("$[?search(@.s, @.p)]", NULL);
    JpNodeList l = {0};
    for (int rep = 0; rep < 2; rep++) {
        assert_int_equal(jp_eval(rep ? s : m, root, &l), 0);
        assert_int_equal(l.len, 20);
        for (size_t i = 0; i < l.len; i++)
            assert_non_null(strstr(cJSON_GetObjectItem(l.nodes[i], "s")->valuestring, "abc"));
        jp_nodelist_free(&l);
    }
    jp_free(m);
    jp_free(s);
    cJSON_Delete(root);
}

/* A query whose result would explode (here about 10^8 nodes) fails cleanly
 * and leaves the caller's list as it was. */
static void test_result_limit(void **state)
{
    (void)state;
    char text[2 * 900 + 2];
    memset(text, '[', 900);
    text[900] = '1';
    memset(text + 901, ']', 900);
    text[1801] = '\0';
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    JpPath *ok = jp_compile("$..*..*", NULL), *boom = jp_compile("$..*..*..*", NULL);
    JpNodeList l = {0};
    assert_int_equal(jp_eval(ok, root, &l), 0);
    assert_int_equal(l.len, 900 * 899 / 2); /* node at depth d: 900 - d below it */
    size_t had = l.len;
    assert_int_equal(jp_eval(boom, root, &l), JP_ERR_BUDGET); /* the work budget stops it first */
    assert_int_equal(l.len, had);
    /* Without a budget the node list limit still holds. */
    assert_int_equal(jp_eval_budget(boom, root, &l, SIZE_MAX), JP_ERR_NOMEM);
    assert_int_equal(l.len, had);
    assert_ptr_equal(l.nodes[0], root->child->child); /* results kept */
    jp_nodelist_free(&l);
    jp_free(ok);
    jp_free(boom);
    cJSON_Delete(root);
}

/* Seconds since an arbitrary start, for timing one evaluation. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Builds 900 nested objects {"a":{"a":...1...}} (about 5 KB of JSON). */
static cJSON *nested_objects(int depth)
{
    char *text = malloc((size_t)depth * 6 + 8);
    assert_non_null(text);
    size_t k = 0;
    for (int i = 0; i < depth; i++) {
        memcpy(text + k, "{\"a\":", 5);
        k += 5;
    }
    text[k++] = '1';
    memset(text + k, '}', (size_t)depth);
    text[k + (size_t)depth] = '\0';
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    return root;
}

/* Nested descendant filters on a deep document (about 900^4 / 24 node visits
 * without a bound) stop at the work budget, quickly, with nothing appended. */
static void test_work_budget(void **state)
{
    (void)state;
    cJSON *root = nested_objects(900);
    JpPath *p = jp_compile("$..[?@..[?@..[?@..x]]]", NULL);
    assert_non_null(p);
    JpNodeList l = {0};
    double t0 = now_s();
    assert_int_equal(jp_eval(p, root, &l), JP_ERR_BUDGET);
    double took = now_s() - t0;
    print_message("900 nested objects, nested descendant filters: %.3f s\n", took);
    assert_true(took < 5.0); /* about 0.05 s in a release build */
    assert_int_equal(l.len, 0);
    assert_null(l.nodes);

    /* The budget is what it says: $..* on 900 nodes needs about 1,800 visits. */
    JpPath *all = jp_compile("$..*", NULL);
    assert_int_equal(jp_eval_budget(all, root, &l, 1000), JP_ERR_BUDGET);
    assert_int_equal(l.len, 0);
    assert_int_equal(jp_eval_budget(all, root, &l, 2000), 0);
    assert_int_equal(l.len, 900);
    assert_int_equal(jp_eval_budget(all, root, &l, 10), JP_ERR_BUDGET);
    assert_int_equal(l.len, 900); /* earlier results kept */
    jp_nodelist_free(&l);

    /* Comparing large values costs work too: == of two 999-member arrays. */
    cJSON *pair = cJSON_CreateArray();
    for (int k = 0; k < 2; k++) {
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; i < 999; i++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(i));
        cJSON_AddItemToArray(pair, a);
    }
    JpPath *eq = jp_compile("$[?$[0] == $[1]]", NULL);
    assert_int_equal(jp_eval_budget(eq, pair, &l, 500), JP_ERR_BUDGET);
    assert_int_equal(jp_eval_budget(eq, pair, &l, 5000), 0);
    assert_int_equal(l.len, 2);
    jp_nodelist_free(&l);
    cJSON_Delete(pair);
    jp_free(eq);
    jp_free(all);
    jp_free(p);
    cJSON_Delete(root);
}

/* jp_nested_descendant() finds '..' inside a filter under '..', at any depth
 * of nesting, and points at that filter. */
static void test_nested_descendant(void **state)
{
    (void)state;
    static const struct {
        const char *expr;
        bool nested;
        size_t pos;
    } cases[] = {
        {"$..[?@..[?@..[?@..x]]]", true, 5},
        {"$..[?@..x]", true, 5},
        {"$..[?$..x]", true, 5},
        {"$..a[?count(@.b..c) > 1]", true, 6},
        {"$..[?!(@.a && @..b)]", true, 5},
        {"$.a[?@.b[?@..c]]..d[?@.e || match(value(@..f), 'x')]", true, 21},
        {"$[?@..[?@..x]]", true, 8}, /* the inner pair counts too */
        {"$..x", false, 0},
        {"$..[?@.x > 1]", false, 0},
        {"$[?@..x]", false, 0},
        {"$..a..b[?@.c == 'd']", false, 0},
        {"$.a[?@.b[?@..c]]", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        JpPath *p = jp_compile(cases[i].expr, NULL);
        assert_non_null(p);
        size_t pos = 99;
        if (jp_nested_descendant(p, &pos) != cases[i].nested) fail_msg("%s", cases[i].expr);
        if (pos != cases[i].pos) fail_msg("%s: pos %zu", cases[i].expr, pos);
        jp_free(p);
    }
    assert_false(jp_nested_descendant(NULL, NULL));
}

/* Number literals read the same under a decimal-comma LC_NUMERIC; one too
 * long to read whole is refused, never read cut short. */
static void test_number_literals_locale(void **state)
{
    (void)state;
    static const char *const locs[] = {"de_DE.UTF-8", "vi_VN.UTF-8", "fr_FR.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof locs / sizeof locs[0] && !set; i++)
        set = setlocale(LC_NUMERIC, locs[i]);
    if (!set) fail_msg("no decimal-comma locale: run scripts/deps.sh --test");
    JpError err;
    char *got = run_query("$[?@.a == 1.5 || @.a > 2.25e1]",
                          "[{\"a\":1.5},{\"a\":1},{\"a\":22.6},{\"a\":22}]", &err);
    setlocale(LC_NUMERIC, "C");
    assert_non_null(got);
    assert_string_equal(got, "[{\"a\":1.5},{\"a\":22.6}]");
    free(got);

    char expr[200] = "$[?@.a == 0.";
    size_t n = strlen(expr);
    memset(expr + n, '0', 100);
    snprintf(expr + n + 100, sizeof expr - n - 100, "1]");
    JpPath *p = jp_compile(expr, &err);
    assert_null(p);
    assert_int_equal(err.pos, 10);
    assert_string_equal(err.msg, "number literal too long");
}

/* Runs the JSONPath tests under a UTF-8 character type. */
int main(void)
{
    /* Non-ASCII regex matching needs a UTF-8 character type. */
    setlocale(LC_CTYPE, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_table),
        cmocka_unit_test(test_invalid_table),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nodes_borrowed_and_appended),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_deep_documents),
        cmocka_unit_test(test_large_object_equality),
        cmocka_unit_test(test_dynamic_patterns),
        cmocka_unit_test(test_result_limit),
        cmocka_unit_test(test_work_budget),
        cmocka_unit_test(test_nested_descendant),
        cmocka_unit_test(test_number_literals_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
