process EXPORT {
    label 'process_single'

    input:
    path samplesheet
    path sheet_files, stageAs: 'inputs/*' // panel files and tables the samplesheet names
    path results, stageAs: 'results/*'
    path cohort_tables

    output:
    path "cohort.maf"        , emit: maf
    path "cohort.maf.qc.json", emit: maf_qc
    path "cbioportal"        , emit: cbioportal
    path "cbioportal.qc.json", emit: cbioportal_qc
    path "versions.yml", emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    lenall export all \\
        --samplesheet ${samplesheet} \\
        --results results \\
        --outdir . \\
        --genome ${params.genome} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    mkdir cbioportal && touch cohort.maf cohort.maf.qc.json cbioportal/meta_study.txt cbioportal.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
