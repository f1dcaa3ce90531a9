/* course.h: training courses (product knowledge, selling, service) with
 * their materials (text, links, files) and a multiple-choice quiz with a
 * pass mark; the states draft → published → archived (only a published
 * course is assigned or attempted) and the files attached to a course. */
#ifndef TERSA_COURSE_H
#define TERSA_COURSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/org/actor.h"

#define COURSE_TITLE_MAX 200
#define COURSE_DESCRIPTION_MAX 5000
#define COURSE_MATERIALS_MAX 50
#define COURSE_MATERIAL_BODY_MAX 20000
#define COURSE_URL_MAX 2000
#define COURSE_QUIZ_MAX 100
#define COURSE_QUESTION_MAX 500
#define COURSE_OPTIONS_MAX 10
#define COURSE_OPTION_MAX 200
#define COURSE_FILE_NAME_MAX 200
#define COURSE_FILE_MAX_BYTES (5 * 1024 * 1024)

extern const char *const course_kinds[];          /* product selling service */
extern const char *const course_statuses[];       /* draft published archived */
extern const char *const course_material_kinds[]; /* text link file */

struct course_material {
	const char *kind, *title;
	const char *body;  /* text */
	const char *url;   /* link */
	int64_t file_id;   /* file: one of the course's files */
};

struct quiz_question {
	const char *question;
	const char **options;
	int noptions;
	int64_t answer; /* index into options */
};

struct course_role {
	const char *role;
	int64_t due_days;
};

struct course_file {
	int64_t id, course_id, size, created_at;
	const char *name, *mime;
	unsigned char *data; /* course_file_get only: the bytes (malloc'd) */
};

struct course {
	int64_t id;
	const char *title, *kind, *description, *status;
	const char *materials, *quiz; /* stored JSON text */
	int64_t pass_bp;
	int64_t created_by, created_at, updated_at;
	struct course_role *roles;
	int nroles;
	struct course_file *files; /* without data */
	int nfiles;
};

/* For create title and kind are required (the rest default: no
 * materials, no quiz, pass_bp 8000); for update each field only when its
 * set_* is 1. */
struct course_input {
	const char *title, *kind, *description;
	struct course_material *materials;
	int nmaterials;
	struct quiz_question *quiz;
	int nquiz;
	int64_t pass_bp;
	unsigned set_title : 1, set_kind : 1, set_description : 1, set_materials : 1,
		set_quiz : 1, set_pass_bp : 1;
};

struct course_filter {
	const char *status, *kind; /* NULL: any */
	int64_t after_id;
	int limit;
};

/* The course as JSON; the quiz's answers only when with_answers.
 * Caller owns it. */
json_t *course_to_json(const struct course *c, int with_answers);
json_t *course_file_to_json(const struct course_file *f);

/* The quiz's answer key read from the stored JSON: *answers (in a) and *n.
 * 0, or -1 when the text is not a quiz. */
int course_quiz_key(struct arena *a, const char *quiz, int64_t **answers, int *n);

/* Creates a draft course. Field errors (every one): title (1..200), kind,
 * description (up to 5000), materials (kind, title 1..200, a text's body
 * 1..20000, a link's http(s) url, a file's file_id one of the course's
 * files), quiz (question 1..500, 1..10 options of 1..200 characters, answer
 * an option's index), pass_bp 1..10000. Audited. */
int course_create(struct db *db, struct arena *a, const struct actor *who,
		  const struct course_input *in, int64_t now, struct course **out,
		  struct err *e);
/* Changes a draft or published course (archived: ERR_STATE); the same
 * field errors. ERR_NOT_FOUND when absent. Audited. */
int course_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  const struct course_input *in, int64_t now, struct course **out,
		  struct err *e);
/* The course when who may read it: every course with all (a course
 * administrator), else a published one or one assigned to who; otherwise
 * ERR_NOT_FOUND. */
int course_get(struct db *db, struct arena *a, const struct actor *who, int all, int64_t id,
	       struct course **out, struct err *e);
/* A page of the courses who may read (as course_get), by id. */
int course_list(struct db *db, struct arena *a, const struct actor *who, int all,
		const struct course_filter *f, struct course ***out, int *n, int *more,
		struct err *e);
/* publish: a draft or archived course with at least one quiz question
 * becomes published, and the users of its required roles get their
 * assignments; archive: a draft or published course becomes archived.
 * ERR_STATE otherwise. Audited. */
int course_publish(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   int64_t now, struct course **out, struct err *e);
int course_archive(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   int64_t now, struct course **out, struct err *e);

/* Attaches a file (name 1..200 characters, mime a type/subtype, 1 byte to
 * 5 MiB, stored base64) to a course that is not archived. Audited without
 * the bytes. */
int course_file_add(struct db *db, struct arena *a, const struct actor *who, int64_t course_id,
		    const char *name, const char *mime, const void *data, size_t len,
		    int64_t now, struct course_file **out, struct err *e);
/* A file with its bytes in (*out)->data (malloc'd: the caller frees or
 * hands them on) when who may read its course (as course_get), else
 * ERR_NOT_FOUND. */
int course_file_get(struct db *db, struct arena *a, const struct actor *who, int all,
		    int64_t id, struct course_file **out, struct err *e);

/* The Content-Disposition value for downloading a file named name:
 * attachment with an ASCII fallback (quotes, backslashes, controls and
 * non-ASCII replaced by '_') and the UTF-8 name percent-encoded (RFC 6266). */
char *course_file_disposition(struct arena *a, const char *name);

#endif
