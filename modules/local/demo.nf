// Input preparation for `-profile test`: writes the bundled demo cohort and its samplesheet.
process DEMO {
    label 'process_single'

    output:
    path "demo/samplesheet.csv", emit: samplesheet
    path "demo"                , emit: folder
    path "versions.yml"        , emit: versions

    script:
    """
    lenall demo --outdir demo --genome ${params.genome}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    mkdir demo && touch demo/samplesheet.csv
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
