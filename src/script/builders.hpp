#pragma once
// Builders of server command documents, one per migration command.

#include <string>

#include "script/commands.hpp"

namespace mongoway::script::builders {

std::vector<ServerCommand> create_collection(const BuildInput& in);
std::vector<ServerCommand> drop_collection(const BuildInput& in);
std::vector<ServerCommand> rename_collection(const BuildInput& in);
std::vector<ServerCommand> create_index(const BuildInput& in);
std::vector<ServerCommand> create_indexes(const BuildInput& in);
std::vector<ServerCommand> drop_index(const BuildInput& in);
std::vector<ServerCommand> coll_mod(const BuildInput& in);
std::vector<ServerCommand> create_view(const BuildInput& in);
std::vector<ServerCommand> insert(const BuildInput& in);
std::vector<ServerCommand> update(const BuildInput& in);
std::vector<ServerCommand> replace_one(const BuildInput& in);
std::vector<ServerCommand> remove(const BuildInput& in);
std::vector<ServerCommand> aggregate(const BuildInput& in);
std::vector<ServerCommand> run_command(const BuildInput& in);
std::vector<ServerCommand> admin_command(const BuildInput& in);

// MongoDB's default index name for a key document: {"email": 1, "age": -1}
// gives "email_1_age_-1", {"bio": "text"} gives "bio_text".
std::string default_index_name(const bson::Document& key);

}  // namespace mongoway::script::builders
