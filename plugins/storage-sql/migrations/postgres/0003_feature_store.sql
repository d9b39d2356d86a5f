CREATE TABLE "feature_values" (
	"entity_key" text NOT NULL,
	"name" text NOT NULL,
	"ts" bigint NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "feature_values_entity_key_name_ts_pk" PRIMARY KEY("entity_key","name","ts")
);
