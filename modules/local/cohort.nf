process COHORT {
    label 'process_medium'

    input:
    path samplesheet
    path sheet_files, stageAs: 'inputs/*' // panel files and tables the samplesheet names
    path results, stageAs: 'results/*'
    path rows, stageAs: 'reference/*' // a rows file replacing the Figure 1 rows, or []
    path findings, stageAs: 'findings/*' // a cohort-wide clinical findings table, or []

    output:
    path "alterations.tsv"  , emit: alterations
    path "evaluability.tsv" , emit: evaluability
    path "frequencies.tsv"  , emit: frequencies
    path "ploidy.tsv"       , emit: ploidy
    path "evidence_discordance.tsv", emit: discordance
    path "cytogenetic_events.tsv"  , emit: cytogenetic_events
    path "subtypes.tsv"     , emit: subtypes
    path "cohort.qc.json"   , emit: qc
    path "versions.yml"     , emit: versions

    script:
    def rows_option = rows ? "--rows ${rows}" : ''
    def findings_option = findings ? "--findings ${findings}" : ''
    def args = task.ext.args ?: ''
    """
    lenall cohort \\
        --samplesheet ${samplesheet} \\
        --results results \\
        --outdir . \\
        --genome ${params.genome} \\
        ${rows_option} \\
        ${findings_option} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch alterations.tsv evaluability.tsv frequencies.tsv ploidy.tsv evidence_discordance.tsv \\
        cytogenetic_events.tsv subtypes.tsv cohort.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
