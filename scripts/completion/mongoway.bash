# bash completion for mongoway                              -*- shell-script -*-
# Completes commands, options, option values and, for --target, the versions
# found in the migration locations (-l/--location, MONGOWAY_LOCATIONS,
# `locations` in ./mongoway.conf, else ./migrations).

_mongoway_commands="migrate undo goto info status validate baseline repair remove clean unlock history snapshot diff verify lint new import init help"

_mongoway_global_options="-u --uri -d --database -l --location --history-collection --lock-timeout
  --lock-ttl --connect-retries --connect-retry-interval --connect-timeout --transaction --placeholder -c --config --password-file --output --color -q --quiet
  -v --verbose -h --help --version"

# A fleet: the same command on many databases.
_mongoway_fleet_options="--databases --exclude --databases-file --uris-file --jobs --fail-fast --yes"

_mongoway_command_options() {
    case $1 in
        migrate) echo "--target --steps --dry-run --out-of-order --no-validate --preflight --metrics-file $_mongoway_fleet_options" ;;
        undo) echo "--target --steps --dry-run --preflight --metrics-file $_mongoway_fleet_options" ;;
        goto) echo "--allow-undo --dry-run --preflight --metrics-file $_mongoway_fleet_options" ;;
        info | status | validate) echo "--metrics-file $_mongoway_fleet_options" ;;
        baseline) echo "--baseline-version --description --from --from-collection --from-lock-collection --metrics-file $_mongoway_fleet_options" ;;
        repair) echo "--dry-run --mark-deleted --metrics-file $_mongoway_fleet_options" ;;
        remove) echo "--all-pending --dry-run --metrics-file" ;;
        clean) echo "--yes --metrics-file" ;;
        unlock) echo "--force --metrics-file" ;;
        history) echo "--limit --since --until --ascending --type --version --metrics-file $_mongoway_fleet_options" ;;
        snapshot) echo "--output-file --data --metrics-file $_mongoway_fleet_options" ;;
        diff) echo "--against --ignore --data --scratch-uri --scratch-database --metrics-file $_mongoway_fleet_options" ;;
        verify) echo "--target --data --require-undo --scratch-uri --scratch-database --preflight" ;;
        lint) echo "--server-profile --require-undo" ;;
        new) echo "--no-undo" ;;
        import) echo "--dry-run" ;;
    esac
}

# The versions of the V files in the locations named on the command line.
_mongoway_versions() {
    local -a locations=()
    local i word
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -l | --location) locations+=("${COMP_WORDS[i + 1]}") ;;
            --location=*) locations+=("${word#--location=}") ;;
            -l?*) locations+=("${word#-l}") ;;
        esac
    done
    if ((${#locations[@]} == 0)); then
        if [[ -n ${MONGOWAY_LOCATIONS-} ]]; then
            IFS=: read -ra locations <<<"$MONGOWAY_LOCATIONS"
        elif [[ -r mongoway.conf ]] && word=$(sed -n 's/^[[:space:]]*locations[[:space:]]*=[[:space:]]*//p' mongoway.conf | tail -n 1) && [[ -n $word ]]; then
            IFS=: read -ra locations <<<"$word"
        else
            locations=(./migrations)
        fi
    fi
    local dir file version
    for dir in "${locations[@]}"; do
        dir=${dir/#\~/$HOME}
        for file in "$dir"/V*__*.json; do
            [[ -f $file ]] || continue
            version=${file##*/}
            version=${version#V}
            version=${version%%__*}
            [[ $version =~ ^[0-9]+$ ]] && echo $((10#$version))
        done
    done | sort -n -u
}

_mongoway() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    # The command: the first word that is neither an option nor an option's value.
    local command="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -u | --uri | -d | --database | -l | --location | --history-collection | --lock-timeout | \
                --lock-ttl | --connect-retries | --connect-retry-interval | --connect-timeout | --transaction | --placeholder | -c | --config | --password-file | --output | \
                --color | --target | --steps | --baseline-version | --description | --limit | --since | \
                --until | --type | --from | --from-collection | --from-lock-collection | --output-file | --against | --ignore | \
                --scratch-uri | --scratch-database | --server-profile | --preflight | --databases | --exclude | \
                --databases-file | --uris-file | --jobs | --metrics-file)
                ((i++)) ;;
            -*) ;;
            *)
                command=${words[i]}
                break
                ;;
        esac
    done

    case $prev in
        --type)
            COMPREPLY=($(compgen -W "migrate undo baseline repair deleted" -- "$cur"))
            return
            ;;
        --version)
            [[ $command == history ]] && COMPREPLY=($(compgen -W "$(_mongoway_versions)" -- "$cur"))
            return
            ;;
        --target)
            local versions
            versions=$(_mongoway_versions)
            [[ $command == migrate ]] && versions+=" latest"
            COMPREPLY=($(compgen -W "$versions" -- "$cur"))
            return
            ;;
        --from)
            COMPREPLY=($(compgen -W "golang-migrate migrate-mongo flyway" -- "$cur"))
            return
            ;;
        --server-profile)
            COMPREPLY=($(compgen -W "mongodb-4.4 mongodb-5.0 mongodb-6.0 mongodb-7.0 mongodb-8.0 ferretdb-1.24" -- "$cur"))
            return
            ;;
        --preflight)
            COMPREPLY=($(compgen -W "auto strict off" -- "$cur"))
            return
            ;;
        --output)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return
            ;;
        --color | --transaction)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        -l | --location)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        -c | --config | --password-file | --output-file | --against | --databases-file | --uris-file | --metrics-file)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        -u | --uri)
            COMPREPLY=($(compgen -W "mongodb:// mongodb+srv://" -- "$cur"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        -d | --database | --history-collection | --lock-timeout | --lock-ttl | --connect-retries | --connect-retry-interval | --connect-timeout | --placeholder | \
            --steps | --baseline-version | --description | --limit | --since | --until | --from-collection | \
            --from-lock-collection | --ignore | --databases | --exclude | --jobs)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_mongoway_global_options $(_mongoway_command_options "$command")" -- "$cur"))
        return
    fi
    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$_mongoway_commands" -- "$cur"))
    elif [[ $command == goto ]]; then
        COMPREPLY=($(compgen -W "0 $(_mongoway_versions)" -- "$cur"))
    elif [[ $command == help ]]; then
        COMPREPLY=($(compgen -W "$_mongoway_commands" -- "$cur"))
    elif [[ $command == remove ]]; then
        COMPREPLY=($(compgen -W "$(_mongoway_versions)" -- "$cur"))
    elif [[ $command == import ]]; then
        # import golang-migrate DIR: the tool, then its directory.
        if [[ $prev == import ]]; then
            COMPREPLY=($(compgen -W "golang-migrate" -- "$cur"))
        else
            COMPREPLY=($(compgen -d -- "$cur"))
        fi
    fi
}

complete -F _mongoway mongoway
