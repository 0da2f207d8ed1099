// The table of server features: for each feature a migration file can need,
// the first MongoDB version that has it and whether FerretDB 1.24 has it.
// Data only; server_profile.cpp reads it.
//
// MongoDB: the release notes of the version named, at
// https://www.mongodb.com/docs/manual/release-notes/MAJOR.MINOR/ (the rows
// cite it as "RN MAJOR.MINOR"), or the reference page cited. {0, 0}: every
// MongoDB version mongoway meets.
// FerretDB 1.24.2 (SQLite backend): read from its source at tag v1.24.2; each
// row cites the source file and the line of FERRETDB.md that quotes it.

#include "script/server_profile.hpp"

namespace mongoway::script {

namespace {

constexpr FerretDb has = FerretDb::has;
constexpr FerretDb lacks = FerretDb::lacks;
constexpr FerretDb not_known = FerretDb::not_known;

// One feature a row; clang-format would break the rows' alignment.
// clang-format off
constexpr FeatureRow kTable[] = {
    // Commands.
    {"collMod", "collMod", {2, 2}, lacks},  // RN 2.2 (collMod sets TTL); msg_collmod.go:29-32, FERRETDB.md:35
    {"view", "views", {3, 4}, lacks},       // RN 3.4 (views); msg_create.go:41-53, msg_listcollections.go, FERRETDB.md:20,53
    {"crossDatabaseRename", "renameCollection across databases", {0, 0}, lacks},
        // https://www.mongodb.com/docs/manual/reference/command/renameCollection/; msg_renamecollection.go:111-117, FERRETDB.md:22
    {"dropTarget", "renameCollection's dropTarget", {0, 0}, lacks},  // renameCollection page; msg_renamecollection.go:45-50, FERRETDB.md:22
    // Collection options.
    {"validator", "validators", {3, 2}, lacks},                      // RN 3.2 (document validation); msg_create.go:41-53, FERRETDB.md:20
    {"timeseries", "time series collections", {5, 0}, lacks},        // RN 5.0 (time series collections); msg_create.go:41-53, FERRETDB.md:20
    {"clusteredCollection", "clustered collections", {5, 3}, lacks,
     "it ignores \"clusteredIndex\" and creates an ordinary collection"},  // RN 5.3 (clustered collections); FERRETDB.md:20
    {"changeStreamPreAndPostImages", "change stream pre- and post-images", {6, 0}, lacks,
     "it ignores the option; it has no change streams"},             // RN 6.0; create ignores unknown fields, FERRETDB.md:18
    {"collation", "collations", {3, 4}, lacks},                      // RN 3.4 (collation); FERRETDB.md:20,27,44,50,51
    // Indexes.
    {"ttlIndex", "TTL indexes", {2, 2}, lacks},                      // RN 2.2 (TTL collections); msg_createindexes.go:361-368, FERRETDB.md:27,105
    {"partialIndex", "partial indexes", {3, 2}, lacks},              // RN 3.2 (partial indexes); msg_createindexes.go:361-368, FERRETDB.md:27
    {"uniqueIndex", "unique indexes", {0, 0}, has},                  // sq/metadata/registry.go:468-494, FERRETDB.md:26
    {"sparseIndex", "sparse indexes", {0, 0}, lacks,
     "it ignores \"sparse\" and builds the index non-sparse"},       // msg_createindexes.go:354-359, FERRETDB.md:26
    {"hiddenIndex", "hidden indexes", {4, 4}, lacks},                // RN 4.4 (hidden indexes); msg_createindexes.go:361-368, FERRETDB.md:27
    {"wildcardIndex", "wildcard indexes", {4, 2}, lacks,
     "it takes \"$**\" for a field's name"},                          // RN 4.2 (wildcard indexes); FERRETDB.md:25,27
    {"textIndex", "text indexes", {2, 4}, lacks},                    // RN 2.4 (text indexes); msg_createindexes.go:416-437, FERRETDB.md:25
    {"2dsphereIndex", "2dsphere indexes", {2, 4}, lacks},            // RN 2.4 (2dsphere); FERRETDB.md:25
    {"2dIndex", "2d indexes", {0, 0}, lacks},                        // https://www.mongodb.com/docs/manual/core/indexes/index-types/geospatial/2d/; FERRETDB.md:25
    {"hashedIndex", "hashed indexes", {2, 4}, lacks},                // RN 2.4 (hashed indexes); FERRETDB.md:25
    {"indexVersion", "the index option \"v\"", {0, 0}, lacks},       // msg_createindexes.go:370-375, FERRETDB.md:28
    {"indexStorageEngine", "the index option \"storageEngine\"", {0, 0}, lacks},  // msg_createindexes.go:361-368, FERRETDB.md:27
    // Writes.
    {"arrayFilters", "arrayFilters", {3, 6}, lacks},                 // RN 3.6 (arrayFilters); FERRETDB.md:44,52
    {"pipelineUpdate", "updates with an aggregation pipeline", {4, 2}, lacks},  // RN 4.2; update_params.go:58-69, FERRETDB.md:45,52
    {"let", "\"let\" variables", {5, 0}, lacks},                     // RN 5.0 (let for aggregate, update, delete); FERRETDB.md:44,50,51
    {"updateConstants", "an update's constants (\"c\")", {5, 0}, lacks},  // https://www.mongodb.com/docs/manual/reference/command/update/; FERRETDB.md:44
    {"updateSort", "\"sort\" in an update of one document", {8, 0}, not_known},  // RN 8.0 (updateOne sort); FERRETDB.md is silent
    // Values and transactions.
    {"decimal128", "Decimal128 values", {3, 4}, lacks,
     "it closes the connection without a reply"},                    // RN 3.4 (decimal type); internal/bson/bson.go:224-225, FERRETDB.md:83
    {"transaction", "transactions", {4, 0}, lacks},                  // RN 4.0 (multi-document transactions); h/commands.go:45-256, FERRETDB.md:62-65
    // Aggregation stages (RN 2.2 brought the aggregation framework). FerretDB 1.24
    // has exactly $addFields, $collStats, $count, $group, $limit, $match, $project,
    // $set, $skip, $sort, $unset, $unwind: c/aggregations/stages/stages.go:31-78, FERRETDB.md:51.
    {"$addFields", "$addFields stage", {3, 4}, has},             // RN 3.4
    {"$bucket", "$bucket stage", {3, 4}, lacks},                 // RN 3.4
    {"$bucketAuto", "$bucketAuto stage", {3, 4}, lacks},         // RN 3.4
    {"$collStats", "$collStats stage", {3, 4}, has},             // RN 3.4
    {"$count", "$count stage", {3, 4}, has},                     // RN 3.4
    {"$densify", "$densify stage", {5, 1}, lacks},               // RN 5.1
    {"$documents", "$documents stage", {5, 1}, lacks},           // RN 5.1
    {"$facet", "$facet stage", {3, 4}, lacks},                   // RN 3.4
    {"$fill", "$fill stage", {5, 3}, lacks},                     // RN 5.3
    {"$geoNear", "$geoNear stage", {2, 4}, lacks},               // RN 2.4
    {"$graphLookup", "$graphLookup stage", {3, 4}, lacks},       // RN 3.4
    {"$group", "$group stage", {2, 2}, has},                     // RN 2.2
    {"$indexStats", "$indexStats stage", {3, 2}, lacks},         // RN 3.2
    {"$limit", "$limit stage", {2, 2}, has},                     // RN 2.2
    {"$lookup", "$lookup stage", {3, 2}, lacks},                 // RN 3.2
    {"$match", "$match stage", {2, 2}, has},                     // RN 2.2
    {"$merge", "$merge stage", {4, 2}, lacks},                   // RN 4.2
    {"$out", "$out stage", {2, 6}, lacks},                       // RN 2.6
    {"$project", "$project stage", {2, 2}, has},                 // RN 2.2
    {"$redact", "$redact stage", {2, 6}, lacks},                 // RN 2.6
    {"$replaceRoot", "$replaceRoot stage", {3, 4}, lacks},       // RN 3.4
    {"$replaceWith", "$replaceWith stage", {4, 2}, lacks},       // RN 4.2
    {"$sample", "$sample stage", {3, 2}, lacks},                 // RN 3.2
    {"$set", "$set stage", {4, 2}, has},                         // RN 4.2
    {"$setWindowFields", "$setWindowFields stage", {5, 0}, lacks},  // RN 5.0
    {"$skip", "$skip stage", {2, 2}, has},                       // RN 2.2
    {"$sort", "$sort stage", {2, 2}, has},                       // RN 2.2
    {"$sortByCount", "$sortByCount stage", {3, 4}, lacks},       // RN 3.4
    {"$unionWith", "$unionWith stage", {4, 4}, lacks},           // RN 4.4
    {"$unset", "$unset stage", {4, 2}, has},                     // RN 4.2
    {"$unwind", "$unwind stage", {2, 2}, has},                   // RN 2.2
};
// clang-format on

}  // namespace

std::span<const FeatureRow> feature_table() { return kTable; }

}  // namespace mongoway::script
