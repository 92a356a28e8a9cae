/* catalogue.c — every database setting, described once (settings.h). To add
 * one, append a row: key (module.name), default, min, max, the unit (English for
 * the CLI, French and Arabic for the admin page) and a sentence in French and
 * Arabic. Keep keys stable: they are stored. */
#include "settings/settings.h"

const settings_def settings_catalogue[] = {
	{"lookup.max_per_minute", 30, 1, 10000, "look-ups per user per minute",
	 "recherches par utilisateur et par minute", "عمليات بحث لكل مستخدم في الدقيقة",
	 "Nombre maximal de recherches nationales par utilisateur et par minute (au-delà : 429).",
	 "الحد الأقصى لعمليات البحث الوطني لكل مستخدم في الدقيقة (بعده: 429)."},
	{"lookup.flag_per_day", 200, 1, 1000000, "look-ups per user per 24 h",
	 "recherches par utilisateur en 24 h", "عمليات بحث لكل مستخدم خلال 24 ساعة",
	 "Au-delà de ce nombre de recherches en 24 h, l’utilisateur est signalé aux auditeurs.",
	 "بعد هذا العدد من عمليات البحث خلال 24 ساعة يُشار إلى المستخدم لدى المدققين."},
	{"exchange.interval_s", 300, 10, 86400, "seconds", "secondes", "ثوان",
	 "Intervalle entre deux échanges avec le central (nœud).",
	 "المدة بين تبادلين مع المركز (العقدة)."},
	{"exchange.max_days_without", 7, 1, 365, "days", "jours", "أيام",
	 "Nombre maximal de jours sans échange avec le central avant alerte.",
	 "أقصى عدد من الأيام دون تبادل مع المركز قبل التنبيه."},
	{"exchange.outbox_retention_days", 400, 30, 3650, "days", "jours", "أيام",
	 "Durée pendant laquelle un nœud garde les changements déjà acquittés par le central (pour le renvoyer s’il "
	 "est restauré d’une sauvegarde) : plus longue que le cycle de sauvegarde du central.",
	 "المدة التي تحتفظ خلالها العقدة بالتغييرات التي أقر المركز باستلامها (لإعادة إرسالها إن استُرجع من نسخة "
	 "احتياطية): أطول من دورة النسخ الاحتياطي للمركز."},
	{"idempotency.ttl_hours", 24, 1, 720, "hours", "heures", "ساعات",
	 "Durée pendant laquelle une écriture envoyée avec une clé d’idempotence peut être rejouée sans être refaite.",
	 "المدة التي يمكن خلالها إعادة إرسال عملية كتابة بمفتاح عدم التكرار دون أن تُنفَّذ مرة ثانية."},
	{"desk.verify_per_hour", 30, 1, 100000, "verifications per address per hour",
	 "vérifications par adresse et par heure", "عمليات تحقق لكل عنوان في الساعة",
	 "Nombre maximal de vérifications publiques d’un récépissé ou d’un certificat depuis une même adresse en une "
	 "heure (au-delà : 429).",
	 "الحد الأقصى لعمليات التحقق العمومية من وصل أو شهادة انطلاقا من العنوان نفسه في الساعة (بعده: 429)."},
	{"mobile.validate_interval_s", 60, 5, 86400, "seconds", "secondes", "ثوان",
	 "Intervalle entre deux validations, à la direction centrale, des paquets reçus des unités mobiles CNIE.",
	 "المدة بين عمليتي تحقق، لدى الإدارة المركزية، من الحزم الواردة من الوحدات المتنقلة للبطاقة الوطنية."},
};

const size_t settings_catalogue_count = sizeof settings_catalogue / sizeof settings_catalogue[0];
