#!/bin/sh
# banner.sh LISTEN — what `make run` prints before the server starts.
cat <<MSG

  sijill is starting on http://$1/

  Demo logins (password: demo-password)
    demo-admin     national administrator
    demo-chief     chief, arrondissement A (Oulfa)
    demo-opj       OPJ, arrondissement A (Oulfa, Casablanca)
    demo-officer   officer, arrondissement A (Oulfa)
    demo-officer2  officer, arrondissement B (Lissasfa)
    demo-analyst   national analyst (read-only)
    demo-auditor   auditor
    demo-comm      communication, Préfecture de police de Casablanca
    demo-comm-head head of communication, Casablanca (approves, publishes)
    demo-comm-dgsn head of communication, DGSN (national)

MSG
