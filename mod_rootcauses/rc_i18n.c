/* rc_i18n: the module's own words in English and Spanish. */
#include "rc_i18n.h"

#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

static const rc_msgs english = {
    "en",
    "English",
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
    0,
    "%s %d",
    "%s %d, %d",
    '.',

    "Skip to main content",
    "Main",
    "Menu",
    "Language",
    "About this site",

    "Filter",
    "1 active",
    "%d active",
    "Country",
    "Date",
    "A year (2021), a month (2022-07) or a day (2022-03-09)",
    "From",
    "To",
    "Kind",
    "Search text",
    "Words that begin words of the title, summary or persons",
    "Sort",
    "Newest first",
    "Oldest first",
    "Apply filters",
    "Clear filters",
    "Results",
    "No results",
    "1 result",
    "%d results",
    "Showing %s–%s of %s results",
    "%s; page %s is past the last page (%s)",
    "Download these results:",
    "Atom feed",
    "Previous",
    "Next",
    "Pagination",
    "There is a problem",
    "Error:",
    "No results: correct the filter above",

    "Documents",
    "Persons",
    "Persons named in this item",
    "Name",
    "Position",
    "Countries",
    "Original publication",
    "This item as",
    "byte",
    "bytes",

    "Page not found",
    "There is no page at this address.",
    "Method not allowed",
    "The method %s is not allowed here; use GET or HEAD.",
    "Bad request",
    "Service unavailable",
    "The site's data is not loaded yet; try again in a moment.",
    "Go to the overview",

    "from %s",
    "to %s",
    "kind: %s",
    "matching “%s”",
    "and",

    "%s: given more than once (\"%s\" and \"%s\"); give it once",
    "%s: \"%s\" is not a country of this site; valid: %s",
    "%s: \"%s\" is not a kind in %s; valid: %s",
    "none (no item of this listing has a kind)",
    "%s: \"%s\" is %lu characters long; the limit is %d",
    "%s: \"%s\" has more than %d distinct words; give at most %d",
    "%s: \"%s\" is not a date: %s",
    "no such day in the calendar (expected YYYY, YYYY-MM or YYYY-MM-DD)",
    "expected YYYY, YYYY-MM or YYYY-MM-DD",
    "from: \"%s\" starts after to \"%s\" ends; swap them or widen the range",
    "sort: \"%s\" is not a sort order; expected \"-date\" (newest first) or \"date\" (oldest "
    "first)",
    "page: \"%s\" is not a page number; expected a whole number from 1",
    "per_page: \"%s\" is out of range; expected a whole number from 1 to %d",
    "%s: bad %%-encoding in \"%s\" (%% must be followed by two hex digits)",
    "%s: \"%s\" is not valid UTF-8 text",
    "%s: \"%s\" contains control characters; give plain text",
    "The query string is %lu bytes long; the limit is %d bytes",
    "The query string has more than %d filter parameters; give fewer",
};

static const rc_msgs spanish = {
    "es",
    "Español",
    {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
     "octubre", "noviembre", "diciembre"},
    1,
    "%s de %d",
    "%d de %s de %d",
    ',',

    "Saltar al contenido principal",
    "Principal",
    "Menú",
    "Idioma",
    "Acerca de este sitio",

    "Filtrar",
    "1 activo",
    "%d activos",
    "País",
    "Fecha",
    "Un año (2021), un mes (2022-07) o un día (2022-03-09)",
    "Desde",
    "Hasta",
    "Tipo",
    "Buscar texto",
    "Palabras con las que empiecen palabras del título, el resumen o las personas",
    "Orden",
    "Más recientes primero",
    "Más antiguos primero",
    "Aplicar filtros",
    "Quitar filtros",
    "Resultados",
    "Sin resultados",
    "1 resultado",
    "%d resultados",
    "Mostrando %s–%s de %s resultados",
    "%s; la página %s está después de la última (%s)",
    "Descargar estos resultados:",
    "Canal Atom",
    "Anterior",
    "Siguiente",
    "Paginación",
    "Hay un problema",
    "Error:",
    "Sin resultados: corrija el filtro",

    "Documentos",
    "Personas",
    "Personas mencionadas en este elemento",
    "Nombre",
    "Cargo",
    "Países",
    "Publicación original",
    "Este elemento en",
    "byte",
    "bytes",

    "Página no encontrada",
    "No hay ninguna página en esta dirección.",
    "Método no permitido",
    "El método %s no está permitido aquí; use GET o HEAD.",
    "Solicitud incorrecta",
    "Servicio no disponible",
    "Los datos del sitio aún no están cargados; inténtelo de nuevo en un momento.",
    "Ir al panorama general",

    "desde %s",
    "hasta %s",
    "tipo: %s",
    "que contienen «%s»",
    "y",

    "%s: se dio más de una vez (\"%s\" y \"%s\"); dé un solo valor",
    "%s: \"%s\" no es un país de este sitio; válidos: %s",
    "%s: \"%s\" no es un tipo de %s; válidos: %s",
    "ninguno (ningún elemento de esta lista tiene tipo)",
    "%s: \"%s\" tiene %lu caracteres; el límite es %d",
    "%s: \"%s\" tiene más de %d palabras distintas; dé como mucho %d",
    "%s: \"%s\" no es una fecha: %s",
    "ese día no existe en el calendario (se espera AAAA, AAAA-MM o AAAA-MM-DD)",
    "se espera AAAA, AAAA-MM o AAAA-MM-DD",
    "from: \"%s\" empieza después de que termina to \"%s\"; inviértalos o amplíe el "
    "intervalo",
    "sort: \"%s\" no es un orden; se espera \"-date\" (más recientes primero) o \"date\" "
    "(más antiguos primero)",
    "page: \"%s\" no es un número de página; se espera un número entero desde 1",
    "per_page: \"%s\" está fuera de rango; se espera un número entero de 1 a %d",
    "%s: codificación %% incorrecta en \"%s\" (%% debe ir seguido de dos dígitos "
    "hexadecimales)",
    "%s: \"%s\" no es texto UTF-8 válido",
    "%s: \"%s\" contiene caracteres de control; dé texto simple",
    "La cadena de consulta tiene %lu bytes; el límite es %d bytes",
    "La cadena de consulta tiene más de %d parámetros de filtro; dé menos",
};

const rc_msgs *rc_msgs_for(const char *code)
{
    if (code && !strcmp(code, "es"))
        return &spanish;
    return &english;
}

/* Writes v (>= 0) in decimal at o; returns the end. Days and years of four digits without a
 * loop: a listing writes a date per row. */
static char *digits(char *o, int v)
{
    char buf[12];
    int k = 0;
    if (v < 10) {
        *o = (char)('0' + v);
        return o + 1;
    }
    if (v < 100) {
        o[0] = (char)('0' + v / 10);
        o[1] = (char)('0' + v % 10);
        return o + 2;
    }
    if (v >= 1000 && v < 10000) {
        o[0] = (char)('0' + v / 1000);
        o[1] = (char)('0' + v / 100 % 10);
        o[2] = (char)('0' + v / 10 % 10);
        o[3] = (char)('0' + v % 10);
        return o + 4;
    }
    do
        buf[k++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (k > 0)
        *o++ = buf[--k];
    return o;
}

/* Writes the format's text with its %s and %d replaced by the arguments in order; returns the
 * end (no general formatter, for the same reason). */
static char *fill(char *o, const char *fmt, const char *const *s, const int *d)
{
    char c;
    while ((c = *fmt++) != '\0') {
        if (c != '%')
            *o++ = c;
        else if (*fmt++ == 's')
            for (const char *arg = *s++; *arg; arg++)  /* a month's name: a few bytes */
                *o++ = *arg;
        else
            o = digits(o, *d++);
    }
    return o;
}

apr_size_t rc_date_write(char *out, const rc_msgs *m, const rc_date *d)
{
    const char *month[1];
    int nums[2];
    if (!d->month)
        return (apr_size_t)(digits(out, d->year) - out);
    month[0] = m->months[d->month - 1];
    if (!d->day) {
        nums[0] = d->year;
        return (apr_size_t)(fill(out, m->month_year, month, nums) - out);
    }
    /* "%s %d, %d" (month, day, year) or "%d de %s de %d" (day, month, year) */
    nums[0] = d->day;
    nums[1] = d->year;
    return (apr_size_t)(fill(out, m->day_month_year, month, nums) - out);
}

const char *rc_size_text(apr_pool_t *p, const rc_msgs *m, apr_int64_t bytes)
{
    char *s;
    if (bytes < 1024)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " %s", bytes,
                            bytes == 1 ? m->bytes_one : m->bytes_many);
    /* bytes is at most 2^53 (the data file's rule), so none of this overflows */
    if ((bytes + 512) / 1024 < 1024)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " KB", (bytes + 512) / 1024);
    if (bytes < (apr_int64_t)1024 * 1024 * 1024)
        s = apr_psprintf(p, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    else
        s = apr_psprintf(p, "%.1f GB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
    if (m->decimal != '.')
        for (char *c = s; *c; c++)
            if (*c == '.')
                *c = m->decimal;
    return s;
}

const char *rc_kind_text(apr_pool_t *p, const char *slug)
{
    char *s = apr_pstrdup(p, slug);
    for (char *c = s; *c; c++)
        if (*c == '-')
            *c = ' ';
    s[0] = (char)apr_toupper(s[0]);
    return s;
}
